import type { PipelineState } from '../load/pipeline-state.js';
import type { StoredSchema } from '../schema/schema-types.js';

/** What `tributary pipeline <name> drop` removes for one source (schema). */
export interface DropPlan {
  schemaName: string;
  resources: string[];
  /** Root tables of the resources and every nested table below them, parents first. */
  tables: string[];
}

function isSystemTable(name: string): boolean {
  return name.startsWith('_dlt_');
}

/** The resources a source knows: those with tables in its schema and those with state. */
export function knownResources(schema: StoredSchema, state: PipelineState | undefined): string[] {
  const names = new Set<string>();
  for (const table of Object.values(schema.tables)) {
    if (table.resource !== undefined && !isSystemTable(table.name)) names.add(table.resource);
  }
  for (const name of Object.keys(resourceStates(state, schema.name))) names.add(name);
  return [...names].sort();
}

function resourceStates(state: PipelineState | undefined, source: string): Record<string, unknown> {
  const sourceState = state?.sources[source] as { resources?: Record<string, unknown> } | undefined;
  return sourceState?.resources ?? {};
}

/**
 * The tables of `resources` in `schema`: each resource's root tables (by their `resource` hint) and
 * all nested tables below them (by `parent` links), parents before children.
 *
 * @example
 * resourceTables(schema, ['events']) // ['events', 'events__tags', 'events__tags__labels']
 */
export function resourceTables(schema: StoredSchema, resources: readonly string[]): string[] {
  const wanted = new Set(resources);
  const tables = Object.values(schema.tables);
  const out = tables
    .filter((t) => t.parent === undefined && t.resource !== undefined && wanted.has(t.resource))
    .map((t) => t.name)
    .filter((name) => !isSystemTable(name));
  for (let i = 0; i < out.length; i++) {
    for (const table of tables) {
      if (table.parent === out[i] && !out.includes(table.name)) out.push(table.name);
    }
  }
  return out;
}

/** A copy of the schema without `tables` (the version is bumped by the caller). */
export function schemaWithout(schema: StoredSchema, tables: readonly string[]): StoredSchema {
  const copy = structuredClone(schema);
  for (const name of tables) delete copy.tables[name];
  return copy;
}

/** The state's `sources` with `sources.<source>.resources.<resource>` removed for each resource. */
export function sourcesWithout(
  state: PipelineState | undefined,
  source: string,
  resources: readonly string[],
): Record<string, unknown> {
  const sources = structuredClone(state?.sources ?? {});
  const sourceState = sources[source] as { resources?: Record<string, unknown> } | undefined;
  if (sourceState?.resources === undefined) return sources;
  for (const name of resources) delete sourceState.resources[name];
  return sources;
}

/**
 * Finds which source holds the resources and the tables they own. Returns the resources nobody
 * knows in `unknown` (with `known` to list), or a plan; resources of two sources cannot be dropped
 * together because one load package carries one schema.
 */
export function planDrop(
  schemas: readonly StoredSchema[],
  state: PipelineState | undefined,
  resources: readonly string[],
): { plan: DropPlan } | { unknown: string[]; known: string[] } | { sources: string[] } {
  const owners = new Map<string, StoredSchema>();
  for (const schema of schemas) {
    for (const name of knownResources(schema, state)) if (!owners.has(name)) owners.set(name, schema);
  }
  const unknown = resources.filter((name) => !owners.has(name));
  if (unknown.length > 0) return { unknown, known: [...owners.keys()].sort() };
  const sources = [...new Set(resources.map((name) => owners.get(name)?.name ?? ''))];
  const schema = owners.get(resources[0] ?? '');
  if (sources.length !== 1 || schema === undefined) return { sources };
  const unique = [...new Set(resources)];
  return { plan: { schemaName: schema.name, resources: unique, tables: resourceTables(schema, unique) } };
}
