import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
// Values are printed as the golden suite prints them, so both compare the same way.
import {
  type ColumnShape,
  literal,
  quote,
  SYSTEM_TABLES,
  valueSql,
} from '../test/golden/dataset-snapshot.js';

export type Row = Record<string, unknown>;

export interface TableSnapshot {
  columns: ColumnShape[];
  /** Data tables: every row as stored (ids included, `_dlt_load_id` left out); see `labelRowIds`. */
  rows?: Row[];
  /** System tables: how many rows. */
  rowCount: number;
  /** `_dlt_loads`: the `status` and `schema_name` of each load, in load order. */
  loads?: string[];
}

export type DatasetSnapshot = Record<string, TableSnapshot>;

const ID_COLUMNS = ['_dlt_id', '_dlt_parent_id', '_dlt_root_id'];

const contentKey = (row: Row) =>
  JSON.stringify(
    Object.entries(row)
      .filter(([name]) => !ID_COLUMNS.includes(name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/**
 * Root rows get random `_dlt_id`s, and nested rows ids derived from them, so ids cannot be
 * compared as values. They are replaced by labels that keep the links: a root row is
 * `<table>#<n>`, n its rank among the table's rows sorted by content; a nested row is its parent's
 * label + `/<table>[<_dlt_list_idx>]`. `_dlt_parent_id` and `_dlt_root_id` become the labels of
 * the rows they point at (`?` when no row has that id).
 */
export function labelRowIds(tables: Record<string, Row[]>): Record<string, Row[]> {
  const labels = new Map<string, string>();
  const done = new Set<string>();
  const names = Object.keys(tables).sort();
  for (const name of names) {
    const rows = tables[name] ?? [];
    if (rows.length === 0 || !('_dlt_id' in rows[0]!) || '_dlt_parent_id' in rows[0]!) continue;
    const sorted = [...rows].sort((a, b) => (contentKey(a) < contentKey(b) ? -1 : 1));
    for (const [i, row] of sorted.entries()) labels.set(String(row._dlt_id), `${name}#${i}`);
    done.add(name);
  }
  // Nested tables hang off tables labelled earlier: one pass per nesting level, at most one per table.
  for (let pass = 0; pass < names.length; pass++) {
    let progress = false;
    for (const name of names) {
      if (done.has(name)) continue;
      const rows = tables[name] ?? [];
      if (rows.length === 0 || !('_dlt_parent_id' in rows[0]!)) {
        done.add(name);
        continue;
      }
      if (!rows.every((row) => labels.has(String(row._dlt_parent_id)))) continue;
      for (const row of rows) {
        const parent = labels.get(String(row._dlt_parent_id));
        labels.set(String(row._dlt_id), `${parent}/${name}[${String(row._dlt_list_idx)}]`);
      }
      done.add(name);
      progress = true;
    }
    if (!progress) break;
  }
  const out: Record<string, Row[]> = {};
  for (const name of names) {
    const rows = (tables[name] ?? []).map((row) => {
      // Keys in name order: column order is compared on its own, not through every row.
      const copy: Row = Object.fromEntries(
        Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      for (const column of ID_COLUMNS) {
        if (column in copy && copy[column] !== null) {
          const label = labels.get(String(copy[column]));
          copy[column] = column === '_dlt_id' ? (label ?? `${name}?`) : (label ?? '?');
        }
      }
      return copy;
    });
    rows.sort((a, b) => {
      const ka = JSON.stringify(Object.entries(a));
      const kb = JSON.stringify(Object.entries(b));
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    out[name] = rows;
  }
  return out;
}

/** The snapshot with row ids replaced by labels and rows sorted, ready to compare. */
export function withLabelledIds(snapshot: DatasetSnapshot): DatasetSnapshot {
  const rows: Record<string, Row[]> = {};
  for (const [table, t] of Object.entries(snapshot)) if (t.rows) rows[table] = t.rows;
  const labelled = labelRowIds(rows);
  const out: DatasetSnapshot = {};
  for (const [table, t] of Object.entries(snapshot)) {
    out[table] = t.rows ? { ...t, rows: labelled[table] ?? [] } : t;
  }
  return out;
}

/** What a pipeline left in one dataset of a DuckDB file (an empty snapshot when there is no file). */
export async function snapshotDataset(file: string, dataset: string): Promise<DatasetSnapshot> {
  if (!existsSync(file)) return {};
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Row[];
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const snapshot: DatasetSnapshot = {};
    const dataRows: Record<string, Row[]> = {};
    const tables = (await query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = ${literal(dataset)} ORDER BY table_name`,
    )) as Array<{ table_name: string }>;
    for (const { table_name: table } of tables) {
      const described = (await query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = ${literal(dataset)} AND table_name = ${literal(table)} ORDER BY ordinal_position`,
      )) as Array<{ column_name: string; data_type: string; is_nullable: string }>;
      const columns: ColumnShape[] = described.map((c) => [
        c.column_name,
        c.data_type,
        c.is_nullable === 'YES',
      ]);
      const from = `${quote(dataset)}.${quote(table)}`;
      const [{ n }] = (await query(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${from}`)) as [{ n: number }];
      snapshot[table] = { columns, rowCount: n };
      if (table === '_dlt_loads') {
        const loads = await query(`SELECT status, schema_name FROM ${from} ORDER BY load_id`);
        snapshot[table].loads = loads.map(
          (l) => `status ${String(l.status)}, schema ${String(l.schema_name)}`,
        );
      }
      if (SYSTEM_TABLES.has(table)) continue;
      const data = columns.filter(([name]) => name !== '_dlt_load_id');
      const select = data.map(([name, type]) => `${valueSql(name, type)} AS ${quote(name)}`).join(', ');
      const rows = select === '' ? [] : await query(`SELECT ${select} FROM ${from}`);
      const jsonColumns = data.filter(([, type]) => type === 'JSON').map(([name]) => name);
      for (const row of rows) {
        for (const name of jsonColumns) if (typeof row[name] === 'string') row[name] = JSON.parse(row[name]);
      }
      dataRows[table] = rows;
    }
    for (const [table, rows] of Object.entries(dataRows)) snapshot[table]!.rows = rows;
    return snapshot;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
