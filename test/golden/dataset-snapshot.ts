import { withDuckDb } from '../support/duckdb-reader.js';

/** `[name, DuckDB type, nullable]` as `information_schema.columns` reports them, in table order. */
export type ColumnShape = [string, string, boolean];

export interface TableSnapshot {
  columns: ColumnShape[];
  /** Every row (without `_dlt_load_id`), ordered by `_dlt_id`; absent for dlt's system tables. */
  rows?: Array<Record<string, unknown>>;
}

export type DatasetSnapshot = Record<string, TableSnapshot>;

export const SYSTEM_TABLES = new Set(['_dlt_loads', '_dlt_version', '_dlt_pipeline_state']);
const INTEGER_TYPES = new Set(['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT']);

export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * One SQL expression per column that prints the value the same way on every side: integers and
 * dates as text (exact beyond 2^53), timestamps as ISO text with microseconds (UTC ones with `Z`),
 * blobs as hex, json as its text (parsed afterwards); doubles, booleans and text as they are.
 */
export function valueSql(column: string, type: string): string {
  const q = quote(column);
  if (INTEGER_TYPES.has(type) || type.startsWith('DECIMAL') || type === 'DATE' || type === 'TIME')
    return `CAST(${q} AS VARCHAR)`;
  if (type === 'TIMESTAMP WITH TIME ZONE') return `strftime(timezone('UTC', ${q}), '%Y-%m-%dT%H:%M:%S.%fZ')`;
  if (type.startsWith('TIMESTAMP')) return `strftime(CAST(${q} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f')`;
  if (type === 'BLOB') return `hex(${q})`;
  if (type === 'JSON') return `CAST(${q} AS VARCHAR)`;
  return q;
}

/**
 * Reads what a pipeline left in one dataset of a DuckDB file: every table with its columns and,
 * for data tables, all rows; `_dlt_load_id` values are left out (they differ run to run).
 */
export function snapshotDataset(file: string, dataset: string): Promise<DatasetSnapshot> {
  return withDuckDb(file, async (query) => {
    const snapshot: DatasetSnapshot = {};
    const tables = await query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = ${literal(dataset)} ORDER BY table_name`,
    );
    for (const { table_name: table } of tables as Array<{ table_name: string }>) {
      const described = (await query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = ${literal(dataset)} AND table_name = ${literal(table)} ORDER BY ordinal_position`,
      )) as Array<{ column_name: string; data_type: string; is_nullable: string }>;
      const columns: ColumnShape[] = described.map((c) => [
        c.column_name,
        c.data_type,
        c.is_nullable === 'YES',
      ]);
      snapshot[table] = { columns };
      if (SYSTEM_TABLES.has(table)) continue;
      const data = columns.filter(([name]) => name !== '_dlt_load_id');
      const order = data.some(([name]) => name === '_dlt_id') ? ' ORDER BY "_dlt_id"' : '';
      const select = data.map(([name, type]) => `${valueSql(name, type)} AS ${quote(name)}`).join(', ');
      const rows = await query(`SELECT ${select} FROM ${quote(dataset)}.${quote(table)}${order}`);
      const jsonColumns = data.filter(([, type]) => type === 'JSON').map(([name]) => name);
      for (const row of rows) {
        for (const name of jsonColumns) {
          if (typeof row[name] === 'string') row[name] = JSON.parse(row[name]);
        }
      }
      snapshot[table].rows = rows;
    }
    return snapshot;
  });
}
