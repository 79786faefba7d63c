import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import { completeColumns } from './ddl.js';
import { qualified, quoteIdentifier } from './sql-identifiers.js';

/** A staging table's extra column: the row's position in the load, so "last served wins" in dedup. */
export const SEQUENCE_COLUMN = '_tributary_seq';

/** One root table and its nested tables, loaded together (dlt's "table chain"). */
export interface TableChain {
  root: TableSchema;
  /** Nested tables that exist in the destination, parents before children. */
  nested: TableSchema[];
  /** Tables of the chain that have staged rows in this load. */
  staged: ReadonlySet<string>;
}

export interface DispositionSqlContext {
  dataset: string;
  staging: string;
  /** SQL that creates a temporary table from a SELECT, unique per load. */
  createTemp(name: string, select: string): string;
  tempName(base: string): string;
}

const cols = (table: TableSchema) => completeColumns(table).map((c) => quoteIdentifier(c.name));

function insertFromStaging(ctx: DispositionSqlContext, table: TableSchema, where = ''): string {
  const list = cols(table).join(', ');
  return `INSERT INTO ${qualified(ctx.dataset, table.name)} (${list}) SELECT ${list} FROM ${qualified(ctx.staging, table.name)}${where}`;
}

/**
 * SQL true for a staging row that marks a delete (dlt's `hard_delete` hint): a bool column when TRUE,
 * any other type when not NULL. Undefined when the table has no such column.
 */
function deletedCondition(root: TableSchema, alias: string): string | undefined {
  const column = Object.values(root.columns).find((c) => c.hard_delete === true && c.data_type !== undefined);
  if (column === undefined) return undefined;
  const ref = `${alias}.${quoteIdentifier(column.name)}`;
  return column.data_type === 'bool' ? `COALESCE(${ref}, FALSE)` : `${ref} IS NOT NULL`;
}

function keyColumns(root: TableSchema, flag: 'primary_key' | 'merge_key'): ColumnSchema[] {
  return Object.values(root.columns).filter((c) => c[flag] === true);
}

/** Statements that move a chain's staged rows into the dataset for its write disposition. */
export function dispositionStatements(chain: TableChain, ctx: DispositionSqlContext): string[] {
  const disposition = chain.root.write_disposition ?? 'append';
  const all = [chain.root, ...chain.nested];
  const stagedTables = all.filter((t) => chain.staged.has(t.name));
  if (disposition === 'skip') return [];
  if (disposition === 'replace') {
    return [
      ...all.map((t) => `DELETE FROM ${qualified(ctx.dataset, t.name)}`),
      ...stagedTables.map((t) => insertFromStaging(ctx, t)),
    ];
  }
  const primary = keyColumns(chain.root, 'primary_key');
  const merge = keyColumns(chain.root, 'merge_key');
  if (
    disposition === 'append' ||
    (primary.length === 0 && merge.length === 0) ||
    !chain.staged.has(chain.root.name)
  ) {
    return stagedTables.map((t) => insertFromStaging(ctx, t));
  }
  return deleteInsert(chain, ctx, primary, merge, stagedTables);
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
  const deleted = ctx.tempName('delete');
  const inserted = ctx.tempName('insert');
  const rowKey = quoteIdentifier('_dlt_id');
  const statements = [
    ctx.createTemp(
      deleted,
      `SELECT d.${rowKey} FROM ${dest} AS d WHERE EXISTS (SELECT 1 FROM ${stage} AS s WHERE ${condition})`,
    ),
  ];
  for (const table of chain.nested) {
    statements.push(
      `DELETE FROM ${qualified(ctx.dataset, table.name)} WHERE ${quoteIdentifier('_dlt_root_id')} IN (SELECT ${rowKey} FROM ${deleted})`,
    );
  }
  statements.push(`DELETE FROM ${dest} WHERE ${rowKey} IN (SELECT ${rowKey} FROM ${deleted})`);
  const deletedRow = deletedCondition(root, 'ranked');
  const notDeleted = deletedRow ? ` AND NOT (${deletedRow})` : '';
  if (primary.length > 0) {
    const partition = primary.map((k) => quoteIdentifier(k.name)).join(', ');
    const sortColumn = Object.values(root.columns).find((c) => c.dedup_sort !== undefined);
    const order = [
      ...(sortColumn
        ? [`${quoteIdentifier(sortColumn.name)} ${sortColumn.dedup_sort === 'desc' ? 'DESC' : 'ASC'}`]
        : []),
      `${quoteIdentifier(SEQUENCE_COLUMN)} DESC`,
    ].join(', ');
    statements.push(
      ctx.createTemp(
        inserted,
        `SELECT ${rowKey} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${order}) AS _rn FROM ${stage}) AS ranked WHERE _rn = 1${notDeleted}`,
      ),
    );
  } else {
    statements.push(
      ctx.createTemp(inserted, `SELECT ${rowKey} FROM ${stage} AS ranked WHERE TRUE${notDeleted}`),
    );
  }
  for (const table of stagedTables) {
    const key = table === root ? rowKey : quoteIdentifier('_dlt_root_id');
    statements.push(insertFromStaging(ctx, table, ` WHERE ${key} IN (SELECT ${rowKey} FROM ${inserted})`));
  }
  statements.push(`DROP TABLE ${deleted}`, `DROP TABLE ${inserted}`);
  return statements;
}
