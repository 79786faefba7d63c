import { SECRET_KEY_NAMES } from './auth-schema.js';
/**
 * Every secret value Tributary resolved in this process. Anything that leaves the library as text
 * (events, errors, reports) passes through `redact`, so a secret is hidden even where it is not
 * under a known parameter name.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  add(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const text = String(value);
    // Very short values would mask ordinary text everywhere; dlt masks those by name only.
    if (text.length < 4) return;
    for (const form of [
      text,
      encodeURIComponent(text),
      new URLSearchParams({ k: text }).toString().slice(2),
    ]) {
      this.#values.add(form);
    }
    this.#pattern = undefined;
  }

  has(value: string): boolean {
    return this.#values.has(value);
  }

  /** Replaces every registered secret in `text` by `***`. */
  redact(text: string): string {
    if (this.#values.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, '***');
  }
}

/**
 * The process-wide registry: secrets resolved at import time of a TS config land here too. It is
 * kept on `globalThis` so that a config module that loads another copy of this package (built vs
 * source) still registers into the same one.
 */
const REGISTRY_KEY = Symbol.for('tributary.secret-registry');
const globalSlots = globalThis as Record<symbol, SecretRegistry | undefined>;
globalSlots[REGISTRY_KEY] ??= new SecretRegistry();
export const secretRegistry: SecretRegistry = globalSlots[REGISTRY_KEY];

/** dlt's names redacted in URLs: its validation list less `username` and `client_id`. */
const SECRET_PARAM_NAMES = new Set(
  [...SECRET_KEY_NAMES].filter((name) => name !== 'username' && name !== 'client_id'),
);

/**
 * A URL safe to show: query parameters with secret-like names (dlt's list) become `***`, user info is
 * dropped, and any registered secret elsewhere in it is masked.
 */
export function redactUrl(url: string, registry: SecretRegistry = secretRegistry): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return registry.redact(url);
  }
  if (parsed.password) parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM_NAMES.has(name.toLowerCase())) parsed.searchParams.set(name, '***');
  }
  return registry.redact(parsed.toString().replace(/%2A%2A%2A/g, '***'));
}

const SECRET_NAME = `"(?:${[...SECRET_PARAM_NAMES].map((n) => n.replace(/-/g, '\\-')).join('|')})"\\s*:\\s*`;
const SECRET_FIELD = new RegExp(`(${SECRET_NAME})"(?:[^"\\\\]|\\\\.)*"`, 'gi');
/** A secret-named field whose value a cut opened but did not close. */
const OPEN_SECRET_FIELD = new RegExp(`(${SECRET_NAME})"(?:[^"\\\\]|\\\\.)*$`, 'i');

/**
 * Masks the values of secret-named fields in JSON text (`"token": "…"` → `"token": "***"`), for
 * body excerpts: a server may echo a credential we never knew as one.
 */
export function redactSecretFields(text: string): string {
  return text.replace(SECRET_FIELD, '$1"***"').replace(OPEN_SECRET_FIELD, '$1"***');
}
