import { ConfigError } from '../errors/tributary-error.js';
import {
  type ClientConfig,
  type ColumnHints,
  type EndpointConfig,
  type ResourceConfig,
  type RestApiConfig,
  restApiConfigSchema,
} from './config-schema.js';
import { applyResourceDefaults } from './resource-defaults.js';
import { formatConfigIssues } from './validation-errors.js';

/** One resource after defaults, shorthands and single-entity detection: what the pipeline runs. */
export interface ResourcePlan {
  name: string;
  /** The table name before naming normalization (`table_name` or the resource name). */
  tableName: string;
  writeDisposition: 'append' | 'replace' | 'merge' | 'skip';
  mergeStrategy: 'delete-insert' | 'upsert' | 'scd2' | 'insert-only' | undefined;
  primaryKey: string[];
  mergeKey: string[];
  columns: Record<string, ColumnHints>;
  maxTableNesting: number | undefined;
  selected: boolean;
  endpoint: EndpointConfig & { path: string };
}

/** A validated `rest_api_source`, ready to run. */
export interface RestApiSource {
  readonly kind: 'rest_api_source';
  /** The source (and dlt schema) name: `rest_api` unless given. */
  readonly name: string;
  readonly client: ClientConfig;
  readonly resources: readonly ResourcePlan[];
}

/** dlt's auth shorthands: a bare type string, or a dict without `type` (which is bearer). */
function expandAuth(auth: unknown): unknown {
  if (typeof auth === 'string') return { type: auth };
  if (typeof auth === 'object' && auth !== null && !Array.isArray(auth) && !('type' in auth)) {
    return { type: 'bearer', ...auth };
  }
  return auth;
}

function expandAuthShorthands(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const copy = structuredClone(config) as Record<string, unknown>;
  const visitEndpoint = (holder: unknown) => {
    if (typeof holder !== 'object' || holder === null) return;
    const endpoint = (holder as { endpoint?: unknown }).endpoint;
    if (typeof endpoint === 'object' && endpoint !== null && 'auth' in endpoint) {
      (endpoint as { auth: unknown }).auth = expandAuth((endpoint as { auth: unknown }).auth);
    }
  };
  const client = copy.client as Record<string, unknown> | undefined;
  if (client && 'auth' in client && client.auth !== null) client.auth = expandAuth(client.auth);
  visitEndpoint(copy.resource_defaults);
  if (Array.isArray(copy.resources)) for (const resource of copy.resources) visitEndpoint(resource);
  return copy;
}

const keyList = (key: string | string[] | undefined): string[] =>
  key === undefined ? [] : Array.isArray(key) ? key : [key];

/** A `{name}` placeholder in the last path segment marks a single-entity endpoint (`/users/{id}`). */
function isSingleEntityPath(path: string): boolean {
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return /\{[A-Za-z0-9._-]+\}/.test(last);
}

const NOT_YET: Array<[keyof ResourceConfig | keyof EndpointConfig, string]> = [
  ['include_from_parent', 'parent/child resources'],
  ['processing_steps', 'processing steps'],
  ['response_actions', 'response actions'],
  ['incremental', 'incremental loading'],
];

function toPlan(resource: ResourceConfig, index: number): ResourcePlan {
  const endpoint = resource.endpoint as EndpointConfig & { path: string };
  for (const [key, feature] of NOT_YET) {
    const holder = key in resource ? resource : endpoint;
    if ((holder as Record<string, unknown>)[key] !== undefined) {
      throw new ConfigError(`resources[${index}].${key}: ${feature} are not supported by this version yet`);
    }
  }
  if (isSingleEntityPath(endpoint.path)) {
    if (endpoint.data_selector == null) endpoint.data_selector = '$';
    if (endpoint.paginator == null) endpoint.paginator = { type: 'single_page' };
  }
  const disposition = resource.write_disposition ?? 'append';
  const columns = Array.isArray(resource.columns)
    ? Object.fromEntries(resource.columns.map((c) => [c.name, c]))
    : (resource.columns ?? {});
  return {
    name: resource.name,
    tableName: resource.table_name ?? resource.name,
    writeDisposition: typeof disposition === 'string' ? disposition : disposition.disposition,
    mergeStrategy:
      typeof disposition === 'string' || disposition.strategy === 'truncate-and-insert'
        ? undefined
        : disposition.strategy,
    primaryKey: keyList(resource.primary_key),
    mergeKey: keyList(resource.merge_key),
    columns,
    maxTableNesting: resource.max_table_nesting,
    selected: resource.selected ?? true,
    endpoint,
  };
}

/**
 * Validates a dlt `rest_api_source` config and expands it into resource plans. Throws a
 * `ConfigError` naming every bad key by its path; values (and so secrets) are never echoed.
 *
 * @example
 * export default restApiSource({
 *   client: { base_url: 'https://api.example.com', auth: { token: secrets.api_token } },
 *   resources: ['users'],
 * });
 */
export function restApiSource(config: unknown, options: { name?: string } = {}): RestApiSource {
  const parsed = restApiConfigSchema.safeParse(expandAuthShorthands(config));
  if (!parsed.success) {
    const lines = formatConfigIssues(parsed.error.issues);
    throw new ConfigError(`invalid config:\n  ${lines.join('\n  ')}`);
  }
  const valid: RestApiConfig = parsed.data;
  const seen = new Set<string>();
  const resources = valid.resources.map((input, index) => {
    const plan = toPlan(applyResourceDefaults(input, valid.resource_defaults), index);
    if (seen.has(plan.name))
      throw new ConfigError(`resources[${index}]: resource "${plan.name}" is already defined`);
    seen.add(plan.name);
    return plan;
  });
  return { kind: 'rest_api_source', name: options.name ?? 'rest_api', client: valid.client, resources };
}
