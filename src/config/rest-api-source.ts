import { ConfigError } from '../errors/tributary-error.js';
import { DEFAULT_DETECTIONS, type Detection } from '../normalize/type-inference.js';
import { resolveContract, type SchemaContract } from '../schema/schema-contract.js';
import { completeAuthFromSecrets } from './auth-credentials.js';
import {
  type ClientConfig,
  type ColumnHints,
  type EndpointConfig,
  type IncrementalConfig,
  type ProcessingStepConfig,
  type ResourceConfig,
  type ResponseActionConfig,
  type RestApiConfig,
  restApiConfigSchema,
  type SourceOptions,
} from './config-schema.js';
import { bindEndpoint, dependencyOrder } from './resource-bindings.js';
import { applyResourceDefaults } from './resource-defaults.js';
import { secretRegistry } from './secret-registry.js';
import { defaultSecretSources, type SecretSources } from './secrets.js';
import { formatConfigIssues, isSecretKeyName } from './validation-errors.js';

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
  /** The resource whose records this one is fetched for. */
  parent: string | undefined;
  includeFromParent: string[];
  /** Incremental settings, from `endpoint.incremental` or a legacy `{type: incremental}` param. */
  incremental: IncrementalConfig | undefined;
  responseActions: ResponseActionConfig[];
  processingSteps: ProcessingStepConfig[];
  /** The resource's schema contract over the source's. */
  contract: SchemaContract;
}

/** A validated `rest_api_source`, ready to run. */
export interface RestApiSource {
  readonly kind: 'rest_api_source';
  /** The source (and dlt schema) name: `rest_api` unless given. */
  readonly name: string;
  readonly client: ClientConfig;
  readonly resources: readonly ResourcePlan[];
  /** Type detectors for new columns (dlt's `settings.detections`). */
  readonly detections: readonly Detection[];
}

/**
 * dlt's auth shorthands and credential lookup: a bare type string, a dict without `type` (bearer),
 * or a dict missing a required field is completed from the environment and secrets files.
 */
function expandAuthShorthands(config: unknown, sources: SecretSources): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const copy = { ...(config as Record<string, unknown>) };
  const expand = (holder: Record<string, unknown> | undefined) => {
    if (holder && 'auth' in holder && holder.auth !== null && holder.auth !== undefined) {
      holder.auth = completeAuthFromSecrets(holder.auth, sources);
    }
  };
  const withEndpoint = (resource: unknown) => {
    if (typeof resource !== 'object' || resource === null) return resource;
    const endpoint = (resource as { endpoint?: unknown }).endpoint;
    if (typeof endpoint !== 'object' || endpoint === null) return resource;
    const expanded = { ...(endpoint as Record<string, unknown>) };
    expand(expanded);
    return { ...resource, endpoint: expanded };
  };
  if (typeof copy.client === 'object' && copy.client !== null) {
    copy.client = { ...(copy.client as Record<string, unknown>) };
    expand(copy.client as Record<string, unknown>);
  }
  if (copy.resource_defaults !== undefined) copy.resource_defaults = withEndpoint(copy.resource_defaults);
  if (Array.isArray(copy.resources)) copy.resources = copy.resources.map(withEndpoint);
  return copy;
}

/**
 * Values written literally under secret-like names (`params.token`, an `Authorization` header) are
 * registered for redaction, so they are masked wherever they appear, error bodies included.
 */
function registerLiteralSecrets(endpoint: Pick<EndpointConfig, 'params' | 'headers'>): void {
  for (const [name, value] of Object.entries(endpoint.params ?? {})) {
    if (isSecretKeyName(name) && (typeof value === 'string' || typeof value === 'number'))
      secretRegistry.add(value);
  }
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) {
    if (isSecretKeyName(name) || name.toLowerCase() === 'authorization')
      secretRegistry.add(value.replace(/^\w+\s+/, ''));
  }
}

const keyList = (key: string | string[] | undefined): string[] =>
  key === undefined ? [] : Array.isArray(key) ? key : [key];

/** A `{name}` placeholder in the last path segment marks a single-entity endpoint (`/users/{id}`). */
function isSingleEntityPath(path: string): boolean {
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return /\{[A-Za-z0-9._-]+\}/.test(last);
}

/** The incremental of an endpoint: `endpoint.incremental`, or a legacy param (which wins, as in dlt). */
function incrementalOf(where: string, endpoint: EndpointConfig): ResourcePlan['incremental'] {
  const legacy = Object.entries(endpoint.params ?? {}).filter(
    ([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v) && v.type === 'incremental',
  );
  if (legacy.length > 1) throw new ConfigError(`${where}.params: only one incremental param is allowed`);
  const [entry] = legacy;
  if (entry === undefined) return endpoint.incremental;
  const [param, value] = entry;
  const { type: _type, ...settings } = value as unknown as IncrementalConfig & { type: string };
  delete endpoint.params?.[param];
  return { ...settings, start_param: param };
}

function toPlan(resource: ResourceConfig, index: number, sourceOptions: SourceOptions): ResourcePlan {
  const where = `resources[${index}]`;
  let endpoint = { ...(resource.endpoint as EndpointConfig & { path: string }) };
  endpoint.params = { ...endpoint.params };
  if (isSingleEntityPath(endpoint.path)) {
    if (endpoint.data_selector == null) endpoint.data_selector = '$';
    if (endpoint.paginator == null) endpoint.paginator = { type: 'single_page' };
  }
  if (
    endpoint.json !== undefined &&
    endpoint.json !== null &&
    endpoint.data !== undefined &&
    endpoint.data !== null
  ) {
    throw new ConfigError(`${where}.endpoint: set either json or data, not both`);
  }
  registerLiteralSecrets(endpoint);
  const incremental = incrementalOf(`${where}.endpoint`, endpoint);
  const bound = bindEndpoint(`${where}.endpoint`, endpoint, incremental !== undefined);
  endpoint = bound.endpoint;
  if (resource.include_from_parent?.length && bound.parent === undefined) {
    throw new ConfigError(`${where}.include_from_parent: the resource has no parent resource`);
  }
  const disposition = resource.write_disposition ?? 'append';
  const strategy = typeof disposition === 'object' ? disposition.strategy : undefined;
  if (strategy === 'upsert' && (resource.primary_key === undefined || resource.merge_key !== undefined)) {
    throw new ConfigError(
      `${where}.write_disposition: the upsert strategy needs a primary_key and no merge_key`,
    );
  }
  const columns = Array.isArray(resource.columns)
    ? Object.fromEntries(resource.columns.map((c) => [c.name, c]))
    : (resource.columns ?? {});
  return {
    name: resource.name,
    tableName: resource.table_name ?? resource.name,
    writeDisposition: typeof disposition === 'string' ? disposition : disposition.disposition,
    // Replace strategies both run in the load's one transaction here: no strategy to remember.
    mergeStrategy:
      strategy === undefined || strategy === 'truncate-and-insert' || strategy === 'insert-from-staging'
        ? undefined
        : strategy,
    primaryKey: keyList(resource.primary_key),
    mergeKey: keyList(resource.merge_key),
    columns,
    maxTableNesting: resource.max_table_nesting ?? sourceOptions.max_table_nesting,
    contract: resolveContract(sourceOptions.schema_contract, resource.schema_contract),
    selected: resource.selected ?? true,
    endpoint,
    parent: bound.parent,
    includeFromParent: resource.include_from_parent ?? [],
    incremental,
    responseActions: endpoint.response_actions ?? [],
    processingSteps: resource.processing_steps ?? [],
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
export function restApiSource(
  config: unknown,
  options: SourceOptions & { secrets?: SecretSources } = {},
): RestApiSource {
  const parsed = restApiConfigSchema.safeParse(
    expandAuthShorthands(config, options.secrets ?? defaultSecretSources()),
  );
  if (!parsed.success) {
    const lines = formatConfigIssues(parsed.error.issues);
    throw new ConfigError(`invalid config:\n  ${lines.join('\n  ')}`);
  }
  const valid: RestApiConfig = parsed.data;
  const { secrets: _secrets, ...kwargs } = options;
  registerLiteralSecrets({ headers: valid.client.headers ?? {} });
  const sourceOptions: SourceOptions = { ...valid.source, ...kwargs };
  const seen = new Set<string>();
  const resources = valid.resources.map((input, index) => {
    const plan = toPlan(applyResourceDefaults(input, valid.resource_defaults), index, sourceOptions);
    if (seen.has(plan.name))
      throw new ConfigError(`resources[${index}]: resource "${plan.name}" is already defined`);
    seen.add(plan.name);
    return plan;
  });
  return {
    kind: 'rest_api_source',
    name: sourceOptions.name ?? 'rest_api',
    client: valid.client,
    resources: dependencyOrder(resources),
    detections: sourceOptions.detections ?? DEFAULT_DETECTIONS,
  };
}
