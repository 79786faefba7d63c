import { describe, expect, it } from 'vitest';
import type { PipelineState } from '../load/pipeline-state.js';
import type { StoredSchema, TableSchema } from '../schema/schema-types.js';
import { planDrop, resourceTables, schemaWithout, sourcesWithout } from './drop-plan.js';

const table = (name: string, more: Partial<TableSchema> = {}): TableSchema => ({
  name,
  columns: {},
  ...more,
});

function schema(name: string, tables: TableSchema[]): StoredSchema {
  return {
    name,
    version: 4,
    version_hash: 'h',
    engine_version: 11,
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
    previous_hashes: [],
  };
}

const shop = schema('shop', [
  table('_dlt_pipeline_state', { resource: '_dlt_pipeline_state' }),
  table('events', { resource: 'events' }),
  table('events__tags', { parent: 'events' }),
  table('events__tags__labels', { parent: 'events__tags' }),
  table('users', { resource: 'users' }),
  table('users__roles', { parent: 'users' }),
]);

const state = (sources: Record<string, unknown>): PipelineState => ({
  _state_version: 2,
  _state_engine_version: 4,
  _version_hash: 'x',
  pipeline_name: 'p',
  dataset_name: 'p_dataset',
  default_schema_name: 'shop',
  schema_names: ['shop'],
  destination_type: 'tributary.destinations.duckdb',
  destination_name: 'duckdb',
  sources,
});

describe('drop plan', () => {
  it('finds the root table of a resource and every nested table below it, parents first', () => {
    expect(resourceTables(shop, ['events'])).toEqual(['events', 'events__tags', 'events__tags__labels']);
    expect(resourceTables(shop, ['users', 'events'])).toEqual([
      'events',
      'users',
      'events__tags',
      'users__roles',
      'events__tags__labels',
    ]);
  });

  it('removes only the named resources from the state, leaving the original untouched', () => {
    const before = state({ shop: { resources: { events: { incremental: {} }, users: {} }, other: 1 } });
    expect(sourcesWithout(before, 'shop', ['events'])).toEqual({
      shop: { resources: { users: {} }, other: 1 },
    });
    expect(before.sources.shop).toEqual({ resources: { events: { incremental: {} }, users: {} }, other: 1 });
  });

  it('removes tables from a copy of the schema', () => {
    const after = schemaWithout(shop, ['users', 'users__roles']);
    expect(Object.keys(after.tables)).not.toContain('users__roles');
    expect(Object.keys(shop.tables)).toContain('users__roles');
  });

  it('knows resources that only have state, and lists the known ones for an unknown name', () => {
    const withState = state({ shop: { resources: { orders: { incremental: {} } } } });
    expect(planDrop([shop], withState, ['orders'])).toEqual({
      plan: { schemaName: 'shop', resources: ['orders'], tables: [] },
    });
    expect(planDrop([shop], withState, ['nope', 'events'])).toEqual({
      unknown: ['nope'],
      known: ['events', 'orders', 'users'],
    });
  });

  it('refuses resources of two sources in one drop', () => {
    const other = schema('crm', [table('contacts', { resource: 'contacts' })]);
    expect(planDrop([shop, other], undefined, ['events', 'contacts'])).toEqual({ sources: ['shop', 'crm'] });
  });
});
