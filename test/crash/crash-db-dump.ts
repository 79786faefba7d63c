import { existsSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { quoteIdentifier } from '../../src/destinations/sql/sql-identifiers.js';
import { withDuckDb } from '../support/duckdb-reader.js';

/** A table as read back: its columns (name, SQL type) and rows with every value as text or null. */
export interface TableDump {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Record<string, string | null>>;
}

export interface StateRow {
  loadId: string;
  version: number;
  state: Record<string, unknown>;
}

/** Everything the invariants look at in one DuckDB file. */
export interface DbDump {
  /** Data tables of the dataset (not `_dlt_*`). */
  tables: Map<string, TableDump>;
  /** `_dlt_loads.load_id` with status 0, ascending. */
  loads: string[];
  /** `_dlt_loads` rows with another status (dlt writes none). */
  otherStatusLoads: string[];
  states: StateRow[];
}

/** Columns the comparisons leave out: ids that are random per load, and the load id itself. */
export const VOLATILE_COLUMNS = new Set(['_dlt_id', '_dlt_parent_id', '_dlt_root_id', '_dlt_load_id']);

/** Timestamps as epoch milliseconds, everything else as DuckDB's own text, so values compare exactly. */
function asText(column: string, type: string): string {
  const name = quoteIdentifier(column);
  return /^TIMESTAMP/i.test(type) ? `CAST(epoch_ms(${name}) AS VARCHAR)` : `CAST(${name} AS VARCHAR)`;
}

/** `_dlt_pipeline_state.state`: base64 of zlib of JSON. */
export function decodeState(encoded: string): Record<string, unknown> {
  return JSON.parse(inflateSync(Buffer.from(encoded, 'base64')).toString('utf8')) as Record<string, unknown>;
}

/** Reads a dataset of a DuckDB file read-only; a missing file or dataset reads as empty. */
export async function dumpDatabase(file: string, dataset: string): Promise<DbDump> {
  const dump: DbDump = { tables: new Map(), loads: [], otherStatusLoads: [], states: [] };
  if (!existsSync(file)) return dump;
  return withDuckDb(file, async (query) => {
    const columns = await query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = '${dataset}' ORDER BY table_name, ordinal_position`,
    );
    for (const { table_name, column_name, data_type } of columns) {
      const table = String(table_name);
      let entry = dump.tables.get(table);
      if (entry === undefined) {
        entry = { columns: [], rows: [] };
        dump.tables.set(table, entry);
      }
      entry.columns.push({ name: String(column_name), type: String(data_type) });
    }
    for (const [table, entry] of dump.tables) {
      const list = entry.columns.map((c) => `${asText(c.name, c.type)} AS ${quoteIdentifier(c.name)}`);
      entry.rows = (await query(
        `SELECT ${list.join(', ')} FROM ${quoteIdentifier(dataset)}.${quoteIdentifier(table)}`,
      )) as Array<Record<string, string | null>>;
    }
    const loads = dump.tables.get('_dlt_loads');
    for (const row of loads?.rows ?? []) {
      if (row.status === '0') dump.loads.push(String(row.load_id));
      else dump.otherStatusLoads.push(String(row.load_id));
    }
    dump.loads.sort();
    for (const row of dump.tables.get('_dlt_pipeline_state')?.rows ?? []) {
      dump.states.push({
        loadId: String(row._dlt_load_id),
        version: Number(row.version),
        state: decodeState(String(row.state)),
      });
    }
    dump.states.sort((a, b) => (a.loadId < b.loadId ? -1 : a.loadId > b.loadId ? 1 : a.version - b.version));
    for (const name of [...dump.tables.keys()]) if (name.startsWith('_dlt_')) dump.tables.delete(name);
    return dump;
  });
}

/** One data row in a form that two databases can compare, random ids resolved to positions. */
export interface CanonicalRow {
  table: string;
  /** The root table of its chain. */
  root: string;
  /** `_dlt_load_id` of its root row. */
  loadId: string;
  /** The root's primary key value (`id`), for counting duplicates. */
  rootId: string;
  /** `<table> id=<root id> [i][j] col=value,…` with columns sorted and volatile ones left out. */
  line: string;
}

/** `col=value,…` of the non-volatile columns, sorted by name; null as `∅`. */
export function valuesText(values: Record<string, string | null>): string {
  return Object.keys(values)
    .filter((c) => !VOLATILE_COLUMNS.has(c) && c !== '_dlt_list_idx')
    .sort()
    .map((c) => `${c}=${values[c] ?? '∅'}`)
    .join(',');
}

/**
 * Every data row with its root's primary key and its list positions instead of random `_dlt_id`s
 * (reference §B4: compare child rows through their root). Orphans and a `_dlt_root_id` that is not
 * the root's `_dlt_id` are reported in `problems`.
 */
export function canonicalRows(dump: DbDump, problems: string[]): CanonicalRow[] {
  const byId = new Map<string, { table: string; row: Record<string, string | null> }>();
  for (const [table, entry] of dump.tables) {
    for (const row of entry.rows) if (row._dlt_id) byId.set(row._dlt_id, { table, row });
  }
  const out: CanonicalRow[] = [];
  for (const [table, entry] of dump.tables) {
    for (const row of entry.rows) {
      let node = { table, row };
      const path: string[] = [];
      let orphan = false;
      for (let depth = 0; node.row._dlt_parent_id !== undefined && depth < 10; depth++) {
        path.unshift(`[${node.row._dlt_list_idx}]`);
        const parent = byId.get(node.row._dlt_parent_id ?? '');
        if (parent === undefined) {
          orphan = true;
          break;
        }
        node = parent;
      }
      if (orphan) {
        problems.push(`orphan row in ${table}: no parent ${row._dlt_parent_id} (${valuesText(row)})`);
        continue;
      }
      if ('_dlt_root_id' in row && row._dlt_root_id !== node.row._dlt_id) {
        problems.push(
          `${table} row _dlt_root_id ${row._dlt_root_id} is not its root's _dlt_id ${node.row._dlt_id}`,
        );
      }
      const rootId = String(node.row.id);
      out.push({
        table,
        root: node.table,
        loadId: String(node.row._dlt_load_id),
        rootId,
        line: `${table} id=${rootId} ${path.join('')} ${valuesText(row)}`,
      });
    }
  }
  return out;
}
