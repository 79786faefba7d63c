import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { syntaxReason } from '../errors/syntax-reason.js';
import { ConfigError, TributaryError } from '../errors/tributary-error.js';
import { type RestApiSource, restApiSource } from './rest-api-source.js';
import { resolveSecretTemplates } from './secret-templates.js';
import { defaultSecretSources, type SecretSources } from './secrets.js';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

function isRestApiSource(value: unknown): value is RestApiSource {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'rest_api_source'
  );
}

async function importModule(path: string): Promise<unknown> {
  try {
    if (path.endsWith('.ts') || path.endsWith('.mts')) {
      const { tsImport } = await import('tsx/esm/api');
      return await tsImport(pathToFileURL(path).href, import.meta.url);
    }
    return await import(pathToFileURL(path).href);
  } catch (error) {
    if (error instanceof TributaryError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`cannot load config module ${path}: ${reason}`, { cause: error });
  }
}

async function readDocument(path: string, text: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    // Warnings are not printed: yaml's quote the source line, which may hold a literal secret.
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    throw new ConfigError(`${path} is not valid ${ext.slice(1).toUpperCase()}: ${syntaxReason(error)}`);
  }
  throw new ConfigError(
    `${path}: unsupported config file type "${ext}" (use .yaml, .yml, .json, .ts or .js)`,
  );
}

/**
 * Reads a config: YAML or JSON (with `{secrets.x}` placeholders), or a TypeScript / JavaScript
 * module whose default export is `restApiSource({...})` or a plain config object.
 */
export interface LoadConfigOptions {
  secrets?: SecretSources;
  /** Replaces `client.base_url` (the demo points the bundled config at its local server). */
  baseUrl?: string;
}

function withBaseUrl(config: unknown, baseUrl: string | undefined): unknown {
  if (baseUrl === undefined || typeof config !== 'object' || config === null) return config;
  const { client } = config as { client?: unknown };
  return { ...config, client: { ...(typeof client === 'object' ? client : {}), base_url: baseUrl } };
}

export async function loadConfigFile(file: string, options: LoadConfigOptions = {}): Promise<RestApiSource> {
  const sources = options.secrets ?? defaultSecretSources();
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  if (MODULE_EXTENSIONS.has(ext)) {
    const module = (await importModule(path)) as { default?: unknown; source?: unknown };
    const exported = module.default ?? module.source;
    if (exported === undefined) throw new ConfigError(`${path} has no default export`);
    if (isRestApiSource(exported)) {
      return options.baseUrl === undefined
        ? exported
        : { ...exported, client: { ...exported.client, base_url: options.baseUrl } };
    }
    return restApiSource(withBaseUrl(resolveSecretTemplates(exported, sources), options.baseUrl), {
      secrets: sources,
    });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigError(`cannot read config file ${path}`);
  }
  return restApiSource(
    withBaseUrl(resolveSecretTemplates(await readDocument(path, text), sources), options.baseUrl),
    {
      secrets: sources,
    },
  );
}
