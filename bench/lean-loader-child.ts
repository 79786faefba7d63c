// The lean loader: the least work that still puts an API's records into DuckDB tables, to show how
// far any loader could go on this machine. It fetches and parses every page with the floor's own
// code, flattens each record into a root row and child-table rows (nested objects joined with
// `__`, lists into child tables with dlt's `_dlt_*` link columns), writes them as JSON lines and
// has DuckDB read them. It does none of what makes Tributary safe and dlt-compatible: no schema,
// type inference or coercion (columns typed from the JavaScript values, timestamps stay text), no
// naming convention, no merge, no load package, no state, no retries. Run through tsx like the
// floor child, in a process of its own. Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { measureFloor, type TaskPage } from './fetch-floor.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  apiKey: string;
  dir: string;
  count: number;
  concurrency: number;
};
const ROOT = 'tasks';
const LOAD_ID = '1700000000.000001';

/** Random 14-character ids (dlt's `_dlt_id` length), cut from one buffer of random bytes at a time. */
let pool = Buffer.alloc(0);
let at = 0;
function newId(): string {
  if (at + 11 > pool.length) {
    pool = randomBytes(11 * 4096);
    at = 0;
  }
  at += 11;
  return pool.toString('base64url', at - 11, at).slice(0, 14);
}

type ColumnType = 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';
const NUMBERS = new Set<ColumnType>(['BIGINT', 'DOUBLE']);
function typeOf(value: unknown): ColumnType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'BIGINT' : 'DOUBLE';
  return typeof value === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
}

/** A table met so far: its file, the JSON lines of the current page, each column's type. */
interface Table {
  path: string;
  fd: number;
  lines: string[];
  types: Map<string, ColumnType>;
}
const tables = new Map<string, Table>();

function emit(name: string, row: Record<string, unknown>): void {
  let table = tables.get(name);
  if (table === undefined) {
    const path = join(args.dir, `${name}.jsonl`);
    table = { path, fd: openSync(path, 'w'), lines: [], types: new Map() };
    tables.set(name, table);
  }
  for (const column of Object.keys(row)) {
    const type = typeOf(row[column]);
    const seen = table.types.get(column);
    // Integers and fractions make a DOUBLE column; any other mix, a text column.
    if (seen === undefined) table.types.set(column, type);
    else if (seen !== type)
      table.types.set(column, NUMBERS.has(seen) && NUMBERS.has(type) ? 'DOUBLE' : 'VARCHAR');
  }
  table.lines.push(JSON.stringify(row));
}

/** Copies `value`'s fields into `row` (objects flattened with `__`); lists become child rows. */
function flattenInto(
  row: Record<string, unknown>,
  prefix: string,
  value: Record<string, unknown>,
  table: string,
  rootId: string,
  rowId: string,
): void {
  for (const key of Object.keys(value)) {
    const item = value[key];
    const name = prefix === '' ? key : `${prefix}__${key}`;
    if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++)
        emitChild(`${table}__${name}`, item[index], index, rootId, rowId);
    } else if (item !== null && typeof item === 'object')
      flattenInto(row, name, item as Record<string, unknown>, table, rootId, rowId);
    else if (item !== null && item !== undefined) row[name] = item;
  }
}

function emitChild(table: string, element: unknown, index: number, rootId: string, parentId: string): void {
  const id = newId();
  const row: Record<string, unknown> = {};
  if (element !== null && typeof element === 'object' && !Array.isArray(element))
    flattenInto(row, '', element as Record<string, unknown>, table, rootId, id);
  else row.value = element;
  row._dlt_root_id = rootId;
  row._dlt_parent_id = parentId;
  row._dlt_list_idx = index;
  row._dlt_id = id;
  emit(table, row);
}

function loadPage(page: TaskPage): void {
  for (const record of page.data) {
    const id = newId();
    const row: Record<string, unknown> = {};
    flattenInto(row, '', record, ROOT, id, id);
    row._dlt_load_id = LOAD_ID;
    row._dlt_id = id;
    emit(ROOT, row);
  }
  for (const table of tables.values()) {
    if (table.lines.length === 0) continue;
    writeSync(table.fd, `${table.lines.join('\n')}\n`);
    table.lines.length = 0;
  }
}

const started = performance.now();
const cpuStart = process.cpuUsage();
await measureFloor(args.url, args.apiKey, args.count, args.concurrency, loadPage);
for (const table of tables.values()) closeSync(table.fd);

const instance = await DuckDBInstance.create(join(args.dir, 'lean.duckdb'));
const db = await instance.connect();
await db.run('BEGIN');
for (const [name, table] of tables) {
  const columns = [...table.types].map(([column, type]) => `"${column}": '${type}'`);
  await db.run(
    `CREATE TABLE "${name}" AS SELECT * FROM read_json('${table.path}', format = 'newline_delimited', columns = {${columns.join(', ')}})`,
  );
}
await db.run('COMMIT');
await db.run('CHECKPOINT');
// Timed to here, as the pipeline child is: the row counts below are the check, not the load.
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const counts: Record<string, number> = {};
for (const name of tables.keys())
  counts[name] = Number((await db.runAndReadAll(`SELECT count(*) FROM "${name}"`)).getRows()[0]?.[0]);
db.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, counts })}\n`);
