import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import { completeColumns } from './ddl.js';
import { qualified, quoteIdentifier } from './sql-identifiers.js';

/** Shared pieces of the write-disposition SQL. */

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
  /** SQL true when `column` (never NULL) is none of the `_dlt_id`s in the temporary table `ids`. */
  notAmongIds(column: string, ids: string): string;
  /** The load's boundary timestamp (package creation, ISO UTC), for scd2 validity. */
  boundary: string;
  /** Upsert may use `MERGE INTO`; otherwise DELETE, UPDATE and INSERT do the same in the transaction. */
  mergeInto: boolean;
  /**
   * SQL for a staged row's position in the load, on a staging table in FROM: default the
   * `_tributary_seq` column; DuckDB uses `rowid`, which its staging tables keep in file order.
   */
  sequence?: string;
}

/** The staged rows' load order, for "last served wins" (`ORDER BY … DESC`). */
export function stagedSequence(ctx: DispositionSqlContext): string {
  return ctx.sequence ?? quoteIdentifier(SEQUENCE_COLUMN);
}

export const cols = (table: TableSchema) => completeColumns(table).map((c) => quoteIdentifier(c.name));

export function insertFromStaging(ctx: DispositionSqlContext, table: TableSchema, where = ''): string {
  const list = cols(table).join(', ');
  return `INSERT INTO ${qualified(ctx.dataset, table.name)} (${list}) SELECT ${list} FROM ${qualified(ctx.staging, table.name)}${where}`;
}

/**
 * SQL true for a staging row that marks a delete (dlt's `hard_delete` hint): a bool column when TRUE,
 * any other type when not NULL. Undefined when the table has no such column.
 */
export function deletedCondition(root: TableSchema, alias: string): string | undefined {
  const column = Object.values(root.columns).find((c) => c.hard_delete === true && c.data_type !== undefined);
  if (column === undefined) return undefined;
  const ref = `${alias}.${quoteIdentifier(column.name)}`;
  return column.data_type === 'bool' ? `COALESCE(${ref}, FALSE)` : `${ref} IS NOT NULL`;
}

export function keyColumns(root: TableSchema, flag: 'primary_key' | 'merge_key'): ColumnSchema[] {
  return Object.values(root.columns).filter((c) => c[flag] === true);
}

/**
 * `(<staged rows of table>) AS staged WHERE _rn = 1`: the staged rows matching `where`, one per
 * `_dlt_id`, the last served. Ids repeat in one load when a record is served twice: scd2 row
 * hashes and the nested ids under them, upsert key hashes and theirs. A `UNIQUE` `_dlt_id`
 * (Postgres) refuses the repeats and DuckDB would keep both. For upsert, elements that only an
 * earlier copy of a key had keep their (distinct) ids.
 */
export function lastStagedByRowKey(ctx: DispositionSqlContext, table: string, where?: string): string {
  const rowKey = quoteIdentifier('_dlt_id');
  const filter = where === undefined ? '' : ` WHERE ${where}`;
  return `(SELECT *, ROW_NUMBER() OVER (PARTITION BY ${rowKey} ORDER BY ${stagedSequence(ctx)} DESC) AS _rn FROM ${qualified(ctx.staging, table)}${filter}) AS staged WHERE _rn = 1`;
}
