import type { ColumnSchema } from '../../schema/schema-types.js';
import {
  cols,
  type DispositionSqlContext,
  deletedCondition,
  lastStagedByRowKey,
  stagedSequence,
  type TableChain,
} from './chain-sql.js';
import { qualified, quoteIdentifier } from './sql-identifiers.js';

/**
 * dlt's `upsert` and `insert-only` merges (reference §5.3). Root rows are keyed by the primary key
 * (their `_dlt_id` is the key hash, so nested ids are stable too). `upsert`: matched rows are
 * updated (or deleted when marked `hard_delete`), new rows inserted; the nested rows of every
 * staged root are replaced by the staged ones. `insert-only`: only keys not yet in the table are
 * inserted, with their nested rows; existing rows are never touched. Duplicate keys in one load
 * keep the last row served (dlt assumes keys unique there).
 */
export function upsertStatements(
  chain: TableChain,
  ctx: DispositionSqlContext,
  primary: ColumnSchema[],
  strategy: 'upsert' | 'insert-only',
): string[] {
  const root = chain.root;
  const dest = qualified(ctx.dataset, root.name);
  const stage = qualified(ctx.staging, root.name);
  const rowKey = quoteIdentifier('_dlt_id');
  const rootKey = quoteIdentifier('_dlt_root_id');
  const keys = primary.map((k) => quoteIdentifier(k.name));
  const on = keys.map((k) => `d.${k} = s.${k}`).join(' AND ');
  const deleted = deletedCondition(root, 's');
  const latest = ctx.tempName('latest');
  const list = cols(root);
  const statements = [
    ctx.createTemp(
      latest,
      `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${stagedSequence(ctx)} DESC) AS _rn FROM ${stage}) AS ranked WHERE _rn = 1`,
    ),
  ];
  const source = quoteIdentifier(latest);
  if (strategy === 'insert-only') {
    const fresh = ctx.tempName('insert');
    statements.push(
      ctx.createTemp(
        fresh,
        `SELECT s.${rowKey} FROM ${source} AS s WHERE NOT EXISTS (SELECT 1 FROM ${dest} AS d WHERE ${on})${deleted ? ` AND NOT (${deleted})` : ''}`,
      ),
      `INSERT INTO ${dest} (${list.join(', ')}) SELECT ${list.join(', ')} FROM ${source} WHERE ${rowKey} IN (SELECT ${rowKey} FROM ${quoteIdentifier(fresh)})`,
    );
    for (const table of chain.nested.filter((t) => chain.staged.has(t.name))) {
      const nestedList = cols(table).join(', ');
      statements.push(
        `INSERT INTO ${qualified(ctx.dataset, table.name)} (${nestedList}) SELECT ${nestedList} FROM ${lastStagedByRowKey(ctx, table.name, `${rootKey} IN (SELECT ${rowKey} FROM ${quoteIdentifier(fresh)})`)}`,
      );
    }
    return [...statements, `DROP TABLE ${quoteIdentifier(fresh)}`, `DROP TABLE ${source}`];
  }
  const updates = list.filter((c) => !keys.includes(c)).map((c) => `${c} = s.${c}`);
  if (ctx.mergeInto) {
    statements.push(
      `MERGE INTO ${dest} AS d USING ${source} AS s ON ${on}` +
        (deleted ? ` WHEN MATCHED AND ${deleted} THEN DELETE` : '') +
        (updates.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${updates.join(', ')}` : '') +
        ` WHEN NOT MATCHED${deleted ? ` AND NOT (${deleted})` : ''} THEN INSERT (${list.join(', ')}) VALUES (${list.map((c) => `s.${c}`).join(', ')})`,
    );
  } else {
    // The same MERGE as three statements (Postgres before 15): the transaction makes them one change.
    if (deleted) statements.push(`DELETE FROM ${dest} AS d USING ${source} AS s WHERE ${on} AND ${deleted}`);
    if (updates.length > 0)
      statements.push(`UPDATE ${dest} AS d SET ${updates.join(', ')} FROM ${source} AS s WHERE ${on}`);
    statements.push(
      `INSERT INTO ${dest} (${list.join(', ')}) SELECT ${list.map((c) => `s.${c}`).join(', ')} FROM ${source} AS s WHERE NOT EXISTS (SELECT 1 FROM ${dest} AS d WHERE ${on})${deleted ? ` AND NOT (${deleted})` : ''}`,
    );
  }
  for (const table of chain.nested) {
    const target = qualified(ctx.dataset, table.name);
    statements.push(`DELETE FROM ${target} WHERE ${rootKey} IN (SELECT ${rowKey} FROM ${source})`);
    if (!chain.staged.has(table.name)) continue;
    const nestedList = cols(table).join(', ');
    statements.push(
      `INSERT INTO ${target} (${nestedList}) SELECT ${nestedList} FROM ${lastStagedByRowKey(ctx, table.name, `${rootKey} IN (SELECT ${rowKey} FROM ${source} AS s${deleted ? ` WHERE NOT (${deleted})` : ''})`)}`,
    );
  }
  return [...statements, `DROP TABLE ${source}`];
}
