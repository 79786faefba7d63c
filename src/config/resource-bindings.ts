import { ConfigError } from '../errors/tributary-error.js';
import { formatField, parseField } from '../extract/request/template.js';
import type { EndpointConfig } from './config-schema.js';

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

function namesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER))
      if (match[1] !== undefined) out.push(parseField(match[1]).name);
  } else if (Array.isArray(value)) for (const item of value) namesIn(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      namesIn(key, out);
      namesIn(item, out);
    }
  }
  return out;
}

type ParamValue = NonNullable<EndpointConfig['params']>[string];

function isTyped(value: ParamValue, type: 'resolve' | 'incremental'): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.type === type;
}

/** What the placeholders of an endpoint bind to. */
export interface EndpointBindings {
  /** The one parent resource this endpoint reads from, if any. */
  parent: string | undefined;
  /** The endpoint with static path params substituted (dlt's legacy binding). */
  endpoint: EndpointConfig & { path: string };
}

/**
 * Checks an endpoint's placeholders as dlt does (reference §1, §5) and finds its parent:
 * `{resources.<parent>.<field>}` anywhere, or a legacy `{type: resolve}` param used in the path.
 * A static param named in the path is substituted; any other placeholder is an error that says
 * how to write literal braces.
 */
export function bindEndpoint(
  where: string,
  input: EndpointConfig & { path: string },
  hasIncremental: boolean,
): EndpointBindings {
  const endpoint = { ...input, params: { ...input.params } };
  const parents = new Set<string>();
  const allowedPrefix = (name: string) =>
    name.startsWith('resources.') || (hasIncremental && name.startsWith('incremental.'));
  const noteParent = (name: string) => {
    const parent = name.split('.')[1];
    if (name.startsWith('resources.') && parent) parents.add(parent);
  };
  const usedInPath = new Set<string>();
  for (const name of namesIn(endpoint.path)) {
    if (allowedPrefix(name)) {
      noteParent(name);
      continue;
    }
    if (name.includes('.')) {
      throw new ConfigError(
        `${where}.path: placeholder "{${name}}" must start with "resources." or "incremental."`,
      );
    }
    const param = endpoint.params[name];
    if (param === undefined) {
      throw new ConfigError(
        `${where}.path: placeholder "{${name}}" has no param of that name in ${where}.params`,
      );
    }
    if (isTyped(param, 'incremental')) {
      throw new ConfigError(`${where}.params.${name}: an incremental param cannot be used in the path`);
    }
    if (isTyped(param, 'resolve')) {
      parents.add((param as { resource: string }).resource);
      usedInPath.add(name);
      continue;
    }
    endpoint.path = endpoint.path.replace(PLACEHOLDER, (match, field: string | undefined) => {
      if (field === undefined) return match;
      const parsed = parseField(field);
      return parsed.name === name ? formatField(param, parsed.conversion, parsed.spec) : match;
    });
    delete endpoint.params[name];
  }
  for (const [name, param] of Object.entries(endpoint.params)) {
    if (isTyped(param, 'resolve') && !usedInPath.has(name)) {
      throw new ConfigError(
        `${where}.params.${name}: a resolve param must be used in the path as "{${name}}"`,
      );
    }
  }
  const elsewhere = [
    ...namesIn(Object.fromEntries(Object.entries(endpoint.params).filter(([, v]) => !isTyped(v, 'resolve')))),
    ...namesIn(endpoint.headers),
    ...namesIn(endpoint.json),
    ...namesIn(endpoint.data),
  ];
  for (const name of elsewhere) {
    if (!allowedPrefix(name)) {
      throw new ConfigError(
        `${where}: placeholder "{${name}}" must start with "resources."${hasIncremental ? ' or "incremental."' : ''}; write literal braces as "{{" and "}}"`,
      );
    }
    noteParent(name);
  }
  if (parents.size > 1) {
    throw new ConfigError(
      `${where}: a resource can read from one parent only, found ${[...parents].join(', ')}`,
    );
  }
  return { parent: [...parents][0], endpoint };
}

/**
 * Orders resources so that every parent comes before its children (a topological sort that keeps
 * the config order otherwise). Unknown parents and cycles are config errors.
 */
export function dependencyOrder<T extends { name: string; parent: string | undefined }>(resources: T[]): T[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (resource: T, path: string[]) => {
    if (state.get(resource.name) === 'done') return;
    if (state.get(resource.name) === 'visiting') {
      throw new ConfigError(`resources form a cycle: ${[...path, resource.name].join(' → ')}`);
    }
    state.set(resource.name, 'visiting');
    if (resource.parent !== undefined) {
      const parent = byName.get(resource.parent);
      if (parent === undefined) {
        throw new ConfigError(`resource "${resource.name}" reads from unknown resource "${resource.parent}"`);
      }
      visit(parent, [...path, resource.name]);
    }
    state.set(resource.name, 'done');
    ordered.push(resource);
  };
  for (const resource of resources) visit(resource, []);
  return ordered;
}
