import type { ClientConfig } from '../../config/config-schema.js';
import type { ResourcePlan } from '../../config/rest-api-source.js';
import { TributaryError } from '../../errors/tributary-error.js';
import { isJsonObject, type JsonValue } from '../../normalize/json-values.js';
import { joinUrl, type RequestSpec } from '../http/request-spec.js';
import type { IncrementalCursor } from '../incremental/incremental-cursor.js';
import { findAll } from '../select/json-path.js';
import { formatJsonTemplate, formatTemplate } from './template.js';

/** What the placeholders of one request bind to. */
export interface Bindings {
  parent?: { resource: string; record: JsonValue };
  incremental?: IncrementalCursor;
}

function isResolve(value: unknown): value is { type: 'resolve'; resource: string; field: string } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'resolve';
}

function parentField(plan: ResourcePlan, bindings: Bindings, field: string): unknown {
  const parent = bindings.parent;
  if (parent === undefined) {
    throw new TributaryError('CONFIG_INVALID', `resource ${plan.name} needs records of its parent resource`);
  }
  const matches = findAll(field, parent.record);
  if (matches.length === 0) {
    const available = isJsonObject(parent.record) ? Object.keys(parent.record).join(', ') : '';
    throw new TributaryError(
      'DATA_SELECTOR',
      `resource ${plan.name} expects a field "${field}" in records of ${parent.resource}; available fields are: [${available}]`,
      { context: { resource: plan.name } },
    );
  }
  return matches[0];
}

/** The lookup for `{…}` placeholders: `resources.<parent>.<field>`, `incremental.<name>`, legacy resolve params. */
export function placeholderLookup(plan: ResourcePlan, bindings: Bindings): (name: string) => unknown {
  const params = plan.endpoint.params ?? {};
  return (name) => {
    if (name.startsWith('resources.')) return parentField(plan, bindings, name.split('.').slice(2).join('.'));
    if (name.startsWith('incremental.') && bindings.incremental) {
      return bindings.incremental.templateValue(name.slice('incremental.'.length));
    }
    const param = params[name];
    if (isResolve(param)) return parentField(plan, bindings, param.field);
    throw new TributaryError('CONFIG_INVALID', `resource ${plan.name}: unknown placeholder "{${name}}"`);
  };
}

/**
 * The first request of a resource (for one parent record, if it has a parent): templated path,
 * params, headers, JSON and form body, with the incremental window's params.
 */
export function endpointRequest(plan: ResourcePlan, client: ClientConfig, bindings: Bindings): RequestSpec {
  const lookup = placeholderLookup(plan, bindings);
  const { endpoint } = plan;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(endpoint.params ?? {})) {
    if (isResolve(value)) continue;
    params[formatTemplate(key, lookup)] = typeof value === 'string' ? formatTemplate(value, lookup) : value;
  }
  Object.assign(params, bindings.incremental?.requestParams());
  const headers: Record<string, string> = { ...client.headers };
  for (const [key, value] of Object.entries(endpoint.headers ?? {})) {
    headers[formatTemplate(key, lookup)] = formatTemplate(value, lookup);
  }
  const spec: RequestSpec = {
    method: endpoint.method ?? 'GET',
    url: joinUrl(client.base_url, formatTemplate(endpoint.path, lookup)),
    params,
    headers,
  };
  if (endpoint.json !== undefined) spec.json = formatJsonTemplate(endpoint.json, lookup);
  if (endpoint.data !== undefined) {
    spec.data =
      typeof endpoint.data === 'string'
        ? formatTemplate(endpoint.data, lookup)
        : formatJsonTemplate(endpoint.data, lookup);
  }
  return spec;
}
