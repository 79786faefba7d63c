import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import {
  cols,
  type DispositionSqlContext,
  deletedCondition,
  insertFromStaging,
  keyColumns,
  stagedSequence,
  type TableChain,
} from './chain-sql.js';
import { scd2Statements } from './scd2-sql.js';
import { qualified, quoteIdentifier } from './sql-identifiers.js';
import { upsertStatements } from './upsert-sql.js';

export { SEQUENCE_COLUMN, type TableChain } from './chain-sql.js';

/** The SQL that moves a chain's staged rows into the dataset, and how it reads the staged tables. */
export interface DispositionPlan {
  statements: string[];
  /**
   * Staged tables that the statements read exactly once, in one `INSERT … SELECT` whose result does
   * not depend on the rows' load order: a destination may read those straight from the package
   * file instead of copying them into a staging table first.
   */
  readOnce: TableSchema[];
}

/** Statements that move a chain's staged rows into the dataset for its write disposition. */
export function dispositionStatements(chain: TableChain, ctx: DispositionSqlContext): DispositionPlan {
  const disposition = chain.root.write_disposition ?? 'append';
  const all = [chain.root, ...chain.nested];
  const stagedTables = all.filter((t) => chain.staged.has(t.name));
  if (disposition === 'skip') return { statements: [], readOnce: [] };
  if (disposition === 'replace') {
    return {
      statements: [
        ...all.map((t) => `DELETE FROM ${qualified(ctx.dataset, t.name)}`),
        ...stagedTables.map((t) => insertFromStaging(ctx, t)),
      ],
      readOnce: stagedTables,
    };
  }
  const primary = keyColumns(chain.root, 'primary_key');
  const merge = keyColumns(chain.root, 'merge_key');
  if (disposition === 'append' || !chain.staged.has(chain.root.name)) {
    return { statements: stagedTables.map((t) => insertFromStaging(ctx, t)), readOnce: stagedTables };
  }
  const strategy = chain.root['x-merge-strategy'] ?? 'delete-insert';
  // scd2 and upsert dedup nested rows by `_dlt_id` in load order: every table stays staged.
  if (strategy === 'scd2') return { statements: scd2Statements(chain, ctx, merge), readOnce: [] };
  if (primary.length === 0 && merge.length === 0) {
    // dlt's fallback: a merge without keys appends, leaving out rows marked as deletes.
    const deleted = deletedCondition(chain.root, 's');
    const statements = stagedTables.map((t) =>
      t === chain.root && deleted
        ? `INSERT INTO ${qualified(ctx.dataset, t.name)} (${cols(t).join(', ')}) SELECT ${cols(t).join(', ')} FROM ${qualified(ctx.staging, t.name)} AS s WHERE NOT (${deleted})`
        : insertFromStaging(ctx, t),
    );
    return { statements, readOnce: stagedTables };
  }
  if (strategy === 'upsert' || strategy === 'insert-only') {
    return { statements: upsertStatements(chain, ctx, primary, strategy), readOnce: [] };
  }
  // The root is read three times (matches, dedup, insert); each nested table once.
  return {
    statements: deleteInsert(chain, ctx, primary, merge, stagedTables),
    readOnce: stagedTables.filter((t) => t !== chain.root),
  };
}

/** dlt's `delete-insert` merge (reference §5.3), with "last row served wins" as the dedup tiebreak. */
function deleteInsert(
  chain: TableChain,
  ctx: DispositionSqlContext,
  primary: ColumnSchema[],
  merge: ColumnSchema[],
  stagedTables: TableSchema[],
): string[] {
  const root = chain.root;
  const dest = qualified(ctx.dataset, root.name);
  const stage = qualified(ctx.staging, root.name);
  const match = (keys: ColumnSchema[]) =>
    keys.map((k) => `d.${quoteIdentifier(k.name)} = s.${quoteIdentifier(k.name)}`).join(' AND ');
  const condition = [primary, merge]
    .filter((keys) => keys.length > 0)
    .map((keys) => `(${match(keys)})`)
    .join(' OR ');
  const deletedName = ctx.tempName('delete');
  const droppedName = ctx.tempName('dropped');
  // Quoted wherever referenced, as createTemp quotes them: a shortened name may start with a digit.
  const deleted = quoteIdentifier(deletedName);
  const dropped = quoteIdentifier(droppedName);
  const rowKey = quoteIdentifier('_dlt_id');
  const statements = [
    ctx.createTemp(
      deletedName,
      `SELECT d.${rowKey} FROM ${dest} AS d WHERE EXISTS (SELECT 1 FROM ${stage} AS s WHERE ${condition})`,
    ),
  ];
  for (const table of chain.nested) {
    statements.push(
      `DELETE FROM ${qualified(ctx.dataset, table.name)} WHERE ${quoteIdentifier('_dlt_root_id')} IN (SELECT ${rowKey} FROM ${deleted})`,
    );
  }
  statements.push(`DELETE FROM ${dest} WHERE ${rowKey} IN (SELECT ${rowKey} FROM ${deleted})`);
  // The staged root rows that are not inserted: all but the last served copy of a key, and rows
  // marking a delete. Usually none, so the inserts below anti-join an empty table; keeping the
  // inserted ids instead made them semi-join every row of the load (1,000,000 nested tasks:
  // the load took 13.9 s and needed DuckDB's 256 MB; now 11.0 s within 128 MB).
  const deletedRow = deletedCondition(root, 'ranked');
  const orDeleted = deletedRow ? ` OR (${deletedRow})` : '';
  if (primary.length > 0) {
    const partition = primary.map((k) => quoteIdentifier(k.name)).join(', ');
    const sortColumn = Object.values(root.columns).find((c) => c.dedup_sort !== undefined);
    const order = [
      ...(sortColumn
        ? [`${quoteIdentifier(sortColumn.name)} ${sortColumn.dedup_sort === 'desc' ? 'DESC' : 'ASC'}`]
        : []),
      `${stagedSequence(ctx)} DESC`,
    ].join(', ');
    statements.push(
      ctx.createTemp(
        droppedName,
        `SELECT ${rowKey} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${order}) AS _rn FROM ${stage}) AS ranked WHERE _rn > 1${orDeleted}`,
      ),
    );
  } else {
    statements.push(
      ctx.createTemp(droppedName, `SELECT ${rowKey} FROM ${stage} AS ranked WHERE ${deletedRow ?? 'FALSE'}`),
    );
  }
  for (const table of stagedTables) {
    const key = `s.${table === root ? rowKey : quoteIdentifier('_dlt_root_id')}`;
    statements.push(insertFromStaging(ctx, table, ` AS s WHERE ${ctx.notAmongIds(key, dropped)}`));
  }
  statements.push(`DROP TABLE ${deleted}`, `DROP TABLE ${dropped}`);
  return statements;
}
