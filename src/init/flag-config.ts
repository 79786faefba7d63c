import { PAGINATOR_TYPES } from '../config/paginator-schema.js';
import { ConfigError } from '../errors/tributary-error.js';
import { AUTH_SECRETS, apiKeyAuth, bearerAuth, httpBasicAuth } from './openapi-auth.js';
import type { Scaffold } from './scaffold.js';

export const AUTH_CHOICES = ['none', 'api_key', 'bearer', 'http_basic'] as const;
export type AuthChoice = (typeof AUTH_CHOICES)[number];
export const API_KEY_LOCATIONS = ['header', 'query', 'cookie'] as const;
export type ApiKeyLocation = (typeof API_KEY_LOCATIONS)[number];

/** What `tributary init` needs to scaffold a config without a spec: from flags or questions. */
export interface InitAnswers {
  name: string;
  baseUrl: string;
  resources: Array<{ name: string; path: string }>;
  auth: AuthChoice;
  apiKeyLocation?: ApiKeyLocation;
  apiKeyName?: string;
  /** `TYPE[,key=value…]`, e.g. `offset,limit=50,total_path=total`. */
  paginator?: string;
  dataSelector?: string;
  /** One column or several, comma-separated. */
  primaryKey?: string;
}

/** `tasks=/v1/tasks` → `{name: tasks, path: /v1/tasks}`; a bare `tasks` is its own path, as in dlt. */
export function parseResourceSpec(text: string): { name: string; path: string } {
  const at = text.indexOf('=');
  const name = (at < 0 ? text : text.slice(0, at)).trim();
  const path = (at < 0 ? name : text.slice(at + 1)).trim();
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || path === '') {
    throw new ConfigError(
      `--resource "${text}": write NAME=PATH (e.g. tasks=/v1/tasks), NAME of letters, digits, _ . -`,
    );
  }
  return { name, path };
}

function parseValue(text: string): unknown {
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/**
 * `offset,limit=50,total_path=total` → `{type: offset, limit: 50, total_path: total}`. offset gets a
 * limit of 100, offset and page_number `total_path: null` (stop at an empty page) unless given:
 * dlt's default `total` fails on APIs without that field.
 */
export function parsePaginatorSpec(text: string): Record<string, unknown> {
  const [type = '', ...pairs] = text.split(',').map((part) => part.trim());
  if (!(PAGINATOR_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError(`--paginator "${text}": the type is one of ${PAGINATOR_TYPES.join(', ')}`);
  }
  const paginator: Record<string, unknown> = { type };
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ConfigError(`--paginator "${text}": "${pair}" is not key=value`);
    paginator[pair.slice(0, at)] = parseValue(pair.slice(at + 1));
  }
  if (type === 'offset' && paginator.limit === undefined) paginator.limit = 100;
  if (type === 'page_number' && paginator.base_page === undefined) paginator.base_page = 1;
  if ((type === 'offset' || type === 'page_number') && paginator.total_path === undefined)
    paginator.total_path = null;
  return paginator;
}

/** A name from the API's host: `https://api.github.com` → `github`; an IP or localhost → `api`. */
export function defaultName(baseUrl: string): string {
  let host: string;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return 'api';
  }
  if (/^[\d.]+$|^\[|^localhost$/i.test(host)) return 'api';
  const labels = host.split('.').filter((label) => !['api', 'www', 'rest'].includes(label));
  const label = labels.length > 1 ? labels[labels.length - 2] : labels[0];
  return (label ?? 'api').toLowerCase().replace(/[^a-z0-9_]+/g, '_') || 'api';
}

function authOf(answers: InitAnswers): { auth?: Record<string, unknown>; secrets: string[]; note?: string } {
  switch (answers.auth) {
    case 'none':
      return { secrets: [] };
    case 'bearer':
      return { auth: bearerAuth(), secrets: [...AUTH_SECRETS.bearer] };
    case 'http_basic':
      return { auth: httpBasicAuth(), secrets: [...AUTH_SECRETS.http_basic] };
    case 'api_key': {
      const location = answers.apiKeyLocation ?? 'header';
      const name = answers.apiKeyName ?? (location === 'header' ? 'Authorization' : 'api_key');
      const note =
        answers.apiKeyName === undefined
          ? `the key's ${location === 'header' ? 'header' : 'parameter'} name "${name}" is a default: check the API's docs`
          : undefined;
      return {
        auth: apiKeyAuth(name, location),
        secrets: [...AUTH_SECRETS.api_key],
        ...(note ? { note } : {}),
      };
    }
  }
}

/** Builds the config scaffold for answers given by flags or at the prompts. */
export function scaffoldFromAnswers(answers: InitAnswers): Scaffold {
  if (!/^https?:\/\/[^/]/i.test(answers.baseUrl)) {
    throw new ConfigError(`--base-url "${answers.baseUrl}": give a full http:// or https:// URL`);
  }
  const { auth, secrets, note } = authOf(answers);
  const paginator = answers.paginator === undefined ? undefined : parsePaginatorSpec(answers.paginator);
  const primaryKey = answers.primaryKey
    ?.split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  const endpointDefaults = {
    ...(paginator ? { paginator } : {}),
    ...(answers.dataSelector ? { data_selector: answers.dataSelector } : {}),
  };
  const defaults = {
    ...(Object.keys(endpointDefaults).length > 0 ? { endpoint: endpointDefaults } : {}),
    ...(primaryKey && primaryKey.length > 0
      ? { primary_key: primaryKey.length === 1 ? primaryKey[0] : primaryKey, write_disposition: 'merge' }
      : {}),
  };
  const detected = [
    ...(paginator ? [] : ['the paginator']),
    ...(answers.dataSelector ? [] : ['where the records are (data_selector)']),
  ];
  const notes = new Map<string, string[]>();
  if (note) notes.set('client.auth', [note]);
  if (detected.length > 0) {
    notes.set('resources', [
      `${detected.join(' and ')}: detected from the first response, as dlt does; set them`,
      'in resource_defaults.endpoint (or per resource) once you know them.',
    ]);
  }
  return {
    header: [
      `Generated by \`tributary init\` for ${answers.name}: a dlt rest_api_source config.`,
      'Keys and defaults as dlt has them: docs/config-reference.md.',
    ],
    config: {
      client: { base_url: answers.baseUrl, ...(auth ? { auth } : {}) },
      ...(Object.keys(defaults).length > 0 ? { resource_defaults: defaults } : {}),
      resources: answers.resources.map(({ name, path }) => ({ name, endpoint: { path } })),
    },
    notes,
    footer: [],
    secrets,
    warnings: [],
  };
}
