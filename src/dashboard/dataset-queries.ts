import { qualified, quoteIdentifier } from '../destinations/sql/sql-identifiers.js';
import type { StoredSchema } from '../schema/schema-types.js';
import { filterClause, type RowFilter } from './row-filter.js';
import type { ReadQuery, Row } from './sql-reader.js';

// SQL that DuckDB and Postgres both run: information_schema, CAST … AS VARCHAR, count(*).
// Identifiers come from information_schema and are quoted; values are bound.

export interface DbColumn {
  name: string;
  /** The database's type name (`BIGINT`, `character varying`). */
  dbType: string;
  nullable: boolean;
}

export interface DbLoad {
  loadId: string;
  schemaName: string | null;
  status: number;
  /** ISO 8601, UTC. */
  insertedAt: string;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `2024-05-01 12:00:00.123456+00` (both databases' text of a `timestamptz`) as ISO 8601, so the
 * page can place it on a time axis; other text is returned as it is.
 */
export function sqlTimestampToIso(text: string): string {
  const match = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d)?(?::?(\d\d))?$/.exec(text);
  if (match === null) return text;
  const [, date, time, fraction = '', offsetHours, offsetMinutes = '00'] = match;
  const zone = offsetHours === undefined ? 'Z' : `${offsetHours}:${offsetMinutes}`;
  const parsed = new Date(`${date}T${time}${fraction.slice(0, 4)}${zone}`);
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

/** The dataset's tables (base tables, by name) and their columns in table order. */
export async function datasetColumns(query: ReadQuery, dataset: string): Promise<Map<string, DbColumn[]>> {
  const tables = await query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
    [dataset],
  );
  const columns = await query(
    'SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position',
    [dataset],
  );
  const result = new Map<string, DbColumn[]>();
  for (const name of tables.map((t) => String(t.table_name)).sort(byName)) result.set(name, []);
  for (const row of columns) {
    result.get(String(row.table_name))?.push({
      name: String(row.column_name),
      dbType: String(row.data_type),
      nullable: row.is_nullable === 'YES',
    });
  }
  return result;
}

export async function countRows(query: ReadQuery, dataset: string, table: string): Promise<number> {
  const [row] = await query(`SELECT count(*) AS n FROM ${qualified(dataset, table)}`);
  return Number(row?.n ?? 0);
}

/** The newest `limit` rows of `_dlt_loads`, newest first (none when the table is missing). */
export async function datasetLoads(
  query: ReadQuery,
  dataset: string,
  tables: ReadonlyMap<string, DbColumn[]>,
  limit: number,
): Promise<DbLoad[]> {
  if (!tables.has('_dlt_loads')) return [];
  const rows = await query(
    `SELECT load_id, schema_name, status, CAST(inserted_at AS VARCHAR) AS inserted_at FROM ${qualified(dataset, '_dlt_loads')} ORDER BY load_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
  );
  return rows.map((r) => ({
    loadId: String(r.load_id),
    schemaName: r.schema_name === null ? null : String(r.schema_name),
    status: Number(r.status),
    insertedAt: sqlTimestampToIso(String(r.inserted_at)),
  }));
}

/** Rows each load left in the dataset now, per table (tables that carry `_dlt_load_id`). */
export async function rowsByLoad(
  query: ReadQuery,
  dataset: string,
  tables: ReadonlyMap<string, DbColumn[]>,
): Promise<Map<string, Record<string, number>>> {
  const result = new Map<string, Record<string, number>>();
  for (const [table, columns] of tables) {
    if (table.startsWith('_dlt_') || !columns.some((c) => c.name === '_dlt_load_id')) continue;
    const rows = await query(
      `SELECT _dlt_load_id AS load_id, count(*) AS n FROM ${qualified(dataset, table)} GROUP BY _dlt_load_id`,
    );
    for (const row of rows) {
      const loadId = String(row.load_id);
      const counts = result.get(loadId) ?? {};
      counts[table] = Number(row.n);
      result.set(loadId, counts);
    }
  }
  return result;
}

/** The newest stored schema of each schema name in `_dlt_version`. */
export async function storedSchemas(
  query: ReadQuery,
  dataset: string,
  tables: ReadonlyMap<string, DbColumn[]>,
): Promise<StoredSchema[]> {
  if (!tables.has('_dlt_version')) return [];
  const rows = await query(
    `SELECT schema_name, "schema" FROM ${qualified(dataset, '_dlt_version')} ORDER BY inserted_at DESC, version DESC`,
  );
  const newest = new Map<string, StoredSchema>();
  for (const row of rows) {
    const name = String(row.schema_name);
    if (!newest.has(name)) newest.set(name, JSON.parse(String(row.schema)) as StoredSchema);
  }
  return [...newest.values()];
}

export interface PreviewRequest {
  table: string;
  columns: readonly string[];
  /** Columns that order the rows, so that pages do not overlap. */
  orderBy: readonly string[];
  filter: RowFilter | undefined;
  offset: number;
  limit: number;
}

/** One page of a table's rows under a filter, and how many rows the filter matches. */
export async function previewRows(
  query: ReadQuery,
  dataset: string,
  request: PreviewRequest,
): Promise<{ rows: Row[]; total: number }> {
  const where = filterClause(request.filter, request.columns);
  const from = `FROM ${qualified(dataset, request.table)} ${where.sql}`;
  const [count] = await query(`SELECT count(*) AS n ${from}`, where.params);
  const select = request.columns.map(quoteIdentifier).join(', ');
  const order =
    request.orderBy.length > 0 ? `ORDER BY ${request.orderBy.map(quoteIdentifier).join(', ')}` : '';
  // offset and limit are integers the API has checked; only they are written into the text.
  const rows = await query(
    `SELECT ${select} ${from} ${order} LIMIT ${request.limit} OFFSET ${request.offset}`,
    where.params,
  );
  return { rows, total: Number(count?.n ?? 0) };
}
