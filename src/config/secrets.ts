import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { TributaryError } from '../errors/tributary-error.js';
import { secretRegistry } from './secret-registry.js';

/** Where secrets are looked up: the environment, then TOML files in the project folder. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Folder holding `.tributary/` and `.dlt/`; `TRIBUTARY_PROJECT_DIR`, `DLT_PROJECT_DIR` or the cwd. */
  projectDir: string;
  /**
   * Replay from a cassette (`--replay`, `TRIBUTARY_SECRET_PLACEHOLDERS=1`): a secret no source has
   * resolves to `secretPlaceholder(key)` instead of failing, so CI needs no credentials.
   */
  placeholders?: boolean;
}

export function defaultSecretSources(env: NodeJS.ProcessEnv = process.env): SecretSources {
  const projectDir = env.TRIBUTARY_PROJECT_DIR ?? env.DLT_PROJECT_DIR ?? process.cwd();
  return env.TRIBUTARY_SECRET_PLACEHOLDERS === '1'
    ? { env, projectDir, placeholders: true }
    : { env, projectDir };
}

/**
 * What a missing secret resolves to when replaying: registered like any secret, so it is scrubbed
 * from requests exactly as the real value was when the cassette was recorded.
 */
export function secretPlaceholder(dottedKey: string): string {
  return `replay-placeholder-${dottedKey}`;
}

/** `a.b.key` → `A__B__KEY`, dlt's environment variable name for a dotted config key. */
export function envNameForKey(dottedKey: string): string {
  return dottedKey.split('.').join('__').toUpperCase();
}

function secretFiles(projectDir: string): string[] {
  return [join(projectDir, '.tributary', 'secrets.toml'), join(projectDir, '.dlt', 'secrets.toml')];
}

function readToml(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    // The parser's message may quote the line, which may hold a secret: say only where it failed.
    const where = error instanceof Error && 'line' in error ? ` at line ${String(error.line)}` : '';
    throw new TributaryError('SECRET_MISSING', `${path} is not valid TOML${where}`);
  }
}

function lookupPath(table: Record<string, unknown>, parts: string[]): unknown {
  let node: unknown = table;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Resolves `dlt.secrets["a.b.key"]` the way dlt does: the exact path only (no walking up the
 * sections), first env `A__B__KEY`, then `[a.b] key` in `.tributary/secrets.toml`, then in
 * `.dlt/secrets.toml`. Returns undefined when no source has it.
 */
export function lookupSecret(dottedKey: string, sources: SecretSources): string | undefined {
  const fromEnv = sources.env[envNameForKey(dottedKey)];
  if (fromEnv !== undefined) return fromEnv;
  const parts = dottedKey.split('.');
  for (const file of secretFiles(sources.projectDir)) {
    const table = readToml(file);
    const value = table === undefined ? undefined : lookupPath(table, parts);
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }
  return undefined;
}

/** Like `lookupSecret`, but a missing secret is an error saying where it looked. */
export function resolveSecret(dottedKey: string, sources: SecretSources = defaultSecretSources()): string {
  const value =
    lookupSecret(dottedKey, sources) ?? (sources.placeholders ? secretPlaceholder(dottedKey) : undefined);
  if (value === undefined) {
    const files = secretFiles(sources.projectDir).map((f) => `${f} ([${dottedKey}] as a TOML key)`);
    throw new TributaryError(
      'SECRET_MISSING',
      `secret "${dottedKey}" not found; looked in environment variable ${envNameForKey(dottedKey)}, then ${files.join(', then ')}`,
    );
  }
  secretRegistry.add(value);
  return value;
}

/** `secrets.api_key` / `secrets.get('api_key')`, mirroring `dlt.secrets["api_key"]`. */
export interface Secrets {
  get(dottedKey: string): string;
  readonly [dottedKey: string]: unknown;
}

/**
 * Secrets for TypeScript configs. Property access resolves at once (like `dlt.secrets[...]`) and
 * registers the value for redaction.
 *
 * @example
 * auth: { type: 'api_key', name: 'api_key', api_key: secrets.api_key, location: 'query' }
 */
export const secrets: Secrets = new Proxy({} as Secrets, {
  get(_target, property) {
    if (property === 'get') return (key: string) => resolveSecret(key);
    if (typeof property !== 'string' || property === 'then' || property === 'toJSON') return undefined;
    return resolveSecret(property);
  },
});
