import type { ColumnHints, EndpointConfig, ResourceConfig, ResourceDefaults } from './config-schema.js';

type ResourceInput = ResourceConfig | string;

function expandEndpoint(resource: ResourceConfig): EndpointConfig {
  const endpoint = resource.endpoint;
  if (endpoint === undefined) return { path: resource.name };
  if (typeof endpoint === 'string') return { path: endpoint };
  return endpoint.path === undefined ? { ...endpoint, path: resource.name } : endpoint;
}

function mergeDict(
  defaults: Record<string, unknown> | undefined,
  own: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (own === undefined) return defaults;
  return { ...defaults, ...own };
}

function columnsAsRecord(columns: NonNullable<ResourceConfig['columns']>): Record<string, ColumnHints> {
  return Array.isArray(columns) ? Object.fromEntries(columns.map((c) => [c.name, c])) : columns;
}

function mergeColumns(
  defaults: ResourceConfig['columns'],
  own: ResourceConfig['columns'],
): ResourceConfig['columns'] {
  if (defaults === undefined || own === undefined) return own ?? defaults;
  const merged = { ...columnsAsRecord(defaults) };
  for (const [name, hints] of Object.entries(columnsAsRecord(own)))
    merged[name] = { ...merged[name], ...hints };
  return merged;
}

/**
 * Expands one resource the way dlt does (reference §1): a string is name and path; `endpoint` as
 * a string is the path; a missing path is the name; then `resource_defaults` are merged shallowly,
 * except `params` and `json` (one level) and `columns` (column by column). An explicit `null` in
 * the resource overrides the default. Inputs are not mutated.
 */
export function applyResourceDefaults(input: ResourceInput, defaults: ResourceDefaults = {}): ResourceConfig {
  const resource: ResourceConfig = typeof input === 'string' ? { name: input, endpoint: input } : input;
  const ownEndpoint = expandEndpoint(resource);
  const defaultEndpoint: EndpointConfig =
    typeof defaults.endpoint === 'string' ? { path: defaults.endpoint } : (defaults.endpoint ?? {});
  const { params: ownParams, json: ownJson, ...ownRest } = ownEndpoint;
  const endpoint: EndpointConfig = { ...defaultEndpoint, ...ownRest };
  const params = mergeDict(defaultEndpoint.params, ownParams);
  if (params !== undefined) endpoint.params = params as NonNullable<EndpointConfig['params']>;
  const json =
    ownJson !== undefined && isPlainObject(ownJson) && isPlainObject(defaultEndpoint.json)
      ? { ...defaultEndpoint.json, ...ownJson }
      : (ownJson ?? defaultEndpoint.json);
  if (json !== undefined) endpoint.json = json;
  const merged: ResourceConfig = { ...defaults, ...resource, endpoint };
  const columns = mergeColumns(defaults.columns, resource.columns);
  if (columns !== undefined) merged.columns = columns;
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
