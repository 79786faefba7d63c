import type { ColumnSchema } from '../../schema/schema-types.js';
import { cols, type DispositionSqlContext, lastStagedByRowKey, type TableChain } from './chain-sql.js';
import { qualified, quoteIdentifier, quoteLiteral } from './sql-identifiers.js';

export const VALID_FROM = '_dlt_valid_from';
export const VALID_TO = '_dlt_valid_to';

/**
 * dlt's `scd2` merge (reference §5.3): every root row is a version whose `_dlt_id` is a hash of the
 * record. Active versions (`_dlt_valid_to` NULL) missing from the load are retired at the load's
 * boundary time (only for the load's merge keys, when a merge key is set); staged versions not
 * already active are inserted as active from the boundary. Nested rows are insert-only by id.
 */
export function scd2Statements(
  chain: TableChain,
  ctx: DispositionSqlContext,
  merge: ColumnSchema[],
): string[] {
  const root = chain.root;
  const dest = qualified(ctx.dataset, root.name);
  const stage = qualified(ctx.staging, root.name);
  const rowKey = quoteIdentifier('_dlt_id');
  const from = quoteIdentifier(VALID_FROM);
  const to = quoteIdentifier(VALID_TO);
  const boundary = `CAST(${quoteLiteral(ctx.boundary)} AS TIMESTAMP WITH TIME ZONE)`;
  const mergeKeys = merge.map((k) => quoteIdentifier(k.name));
  const scope =
    mergeKeys.length > 0
      ? ` AND (${mergeKeys.join(', ')}) IN (SELECT ${mergeKeys.join(', ')} FROM ${stage})`
      : '';
  const list = cols(root);
  const values = list.map((c) => (c === from ? boundary : c === to ? 'NULL' : c));
  const statements = [
    `UPDATE ${dest} SET ${to} = ${boundary} WHERE ${to} IS NULL AND ${rowKey} NOT IN (SELECT ${rowKey} FROM ${stage})${scope}`,
    // A record served twice in one load is one version (same row hash): inserted once.
    `INSERT INTO ${dest} (${list.join(', ')}) SELECT ${values.join(', ')} FROM ${lastStagedByRowKey(ctx, root.name)} AND ${rowKey} NOT IN (SELECT ${rowKey} FROM ${dest} WHERE ${to} IS NULL)`,
  ];
  for (const table of chain.nested.filter((t) => chain.staged.has(t.name))) {
    const target = qualified(ctx.dataset, table.name);
    const nestedList = cols(table).join(', ');
    statements.push(
      `INSERT INTO ${target} (${nestedList}) SELECT ${nestedList} FROM ${lastStagedByRowKey(ctx, table.name)} AND ${rowKey} NOT IN (SELECT ${rowKey} FROM ${target})`,
    );
  }
  return statements;
}
