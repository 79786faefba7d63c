import { describe, expect, it } from 'vitest';
import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import type { DispositionSqlContext, TableChain } from './chain-sql.js';
import { dispositionStatements } from './disposition-sql.js';

const column = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  data_type: 'text',
  nullable: true,
  ...extra,
});

function chainOf(root: Partial<TableSchema>): TableChain {
  const items: TableSchema = {
    name: 'items',
    columns: {
      id: column('id', {
        data_type: 'bigint',
        nullable: false,
        primary_key: root.write_disposition === 'merge',
      }),
      name: column('name'),
      _dlt_load_id: column('_dlt_load_id', { nullable: false }),
      _dlt_id: column('_dlt_id', { nullable: false }),
    },
    ...root,
  };
  const tags: TableSchema = {
    name: 'items__tags',
    parent: 'items',
    columns: {
      value: column('value'),
      _dlt_root_id: column('_dlt_root_id', { nullable: false }),
      _dlt_parent_id: column('_dlt_parent_id', { nullable: false }),
      _dlt_list_idx: column('_dlt_list_idx', { data_type: 'bigint', nullable: false }),
      _dlt_id: column('_dlt_id', { nullable: false }),
    },
  };
  return { root: items, nested: [tags], staged: new Set(['items', 'items__tags']) };
}

const ctx: DispositionSqlContext = {
  dataset: 'ds',
  staging: 'ds_staging',
  createTemp: (name, select) => `CREATE TEMP TABLE "${name}" AS ${select}`,
  tempName: (base) => `items_${base}`,
  notAmongIds: (column, ids) => `${column} NOT IN (SELECT "_dlt_id" FROM ${ids})`,
  boundary: '2026-01-01T00:00:00.000Z',
  mergeInto: false,
  sequence: 'rowid',
};

const keyless = (chain: TableChain): TableChain => {
  const { id, ...rest } = chain.root.columns;
  return {
    ...chain,
    root: { ...chain.root, columns: { ...rest, id: { ...(id as ColumnSchema), primary_key: false } } },
  };
};

describe('tables a load reads once', () => {
  const cases: Array<[string, TableChain, string[]]> = [
    ['append', chainOf({ write_disposition: 'append' }), ['items', 'items__tags']],
    ['replace', chainOf({ write_disposition: 'replace' }), ['items', 'items__tags']],
    ['merge delete-insert', chainOf({ write_disposition: 'merge' }), ['items__tags']],
    ['merge without keys', keyless(chainOf({ write_disposition: 'merge' })), ['items', 'items__tags']],
    ['merge upsert', chainOf({ write_disposition: 'merge', 'x-merge-strategy': 'upsert' }), []],
    ['merge insert-only', chainOf({ write_disposition: 'merge', 'x-merge-strategy': 'insert-only' }), []],
    ['merge scd2', chainOf({ write_disposition: 'merge', 'x-merge-strategy': 'scd2' }), []],
  ];

  it.each(cases)(
    '%s: each is read by exactly one statement, never in load order',
    (_name, chain, expected) => {
      const plan = dispositionStatements(chain, ctx);
      expect(plan.readOnce.map((t) => t.name)).toEqual(expected);
      for (const table of plan.readOnce) {
        const readers = plan.statements.filter((sql) => sql.includes(`"ds_staging"."${table.name}"`));
        expect(readers).toHaveLength(1);
        expect(readers[0]).toMatch(/^INSERT INTO /);
        expect(readers[0]).not.toContain('rowid');
      }
    },
  );

  it('the tables left out are the ones read more than once or in load order', () => {
    for (const [, chain, expected] of cases) {
      const plan = dispositionStatements(chain, ctx);
      for (const table of [chain.root, ...chain.nested].filter((t) => !expected.includes(t.name))) {
        const readers = plan.statements.filter((sql) => sql.includes(`"ds_staging"."${table.name}"`));
        const inOrder = readers.some((sql) => sql.includes('rowid'));
        expect(readers.length > 1 || inOrder).toBe(true);
      }
    }
  });
});
