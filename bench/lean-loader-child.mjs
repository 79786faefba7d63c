// The lean loader: the least work that still puts an API's records into DuckDB tables, to show how
// far any loader could go on this machine. It fetches every page as the floor does, flattens each
// record into a root row and child-table rows (nested objects joined with `__`, lists into child
// tables with dlt's `_dlt_*` link columns), writes them as JSON lines and has DuckDB read them.
// It does none of what makes Tributary safe and dlt-compatible: no schema, type inference or
// coercion (DuckDB guesses the types), no naming convention, no merge, no load package, no state,
// no retries. Plain JavaScript, in its own process like the pipeline child. Prints one JSON line.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Agent, request } from 'undici';

/** @type {{ url: string, apiKey: string, dir: string, count: number, concurrency: number }} */
const args = JSON.parse(process.argv[2] ?? '{}');
const ROOT = 'tasks';
const LOAD_ID = '1700000000.000001';

/** Random 14-character ids (dlt's `_dlt_id` length), cut from one buffer of random bytes at a time. */
let pool = Buffer.alloc(0);
let at = 0;
function newId() {
  if (at + 11 > pool.length) {
    pool = randomBytes(11 * 4096);
    at = 0;
  }
  at += 11;
  return pool.toString('base64url', at - 11, at).slice(0, 14);
}

/** Per table: the JSON lines of the current page. */
const pageLines = new Map();
/** Per table: each column's DuckDB type, from the JavaScript values seen (strings stay text). */
const columnTypes = new Map();
const NUMBERS = new Set(['BIGINT', 'DOUBLE']);
function typeOf(value) {
  if (typeof value === 'number') return Number.isInteger(value) ? 'BIGINT' : 'DOUBLE';
  return typeof value === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
}
function emit(table, row) {
  let lines = pageLines.get(table);
  let types = columnTypes.get(table);
  if (lines === undefined || types === undefined) {
    lines = [];
    types = new Map();
    pageLines.set(table, lines);
    columnTypes.set(table, types);
  }
  for (const name of Object.keys(row)) {
    const type = typeOf(row[name]);
    const seen = types.get(name);
    // Integers and fractions make a DOUBLE column; any other mix, a text column.
    if (seen === undefined) types.set(name, type);
    else if (seen !== type) types.set(name, NUMBERS.has(seen) && NUMBERS.has(type) ? 'DOUBLE' : 'VARCHAR');
  }
  lines.push(JSON.stringify(row));
}

/** Copies `value`'s fields into `row` (objects flattened with `__`); lists become child rows. */
function flattenInto(row, prefix, value, table, rootId, rowId) {
  for (const key of Object.keys(value)) {
    const item = value[key];
    const name = prefix === '' ? key : `${prefix}__${key}`;
    if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++)
        emitChild(`${table}__${name}`, item[index], index, rootId, rowId);
    } else if (item !== null && typeof item === 'object') flattenInto(row, name, item, table, rootId, rowId);
    else if (item !== null && item !== undefined) row[name] = item;
  }
}

function emitChild(table, element, index, rootId, parentId) {
  const id = newId();
  const row = {};
  if (element !== null && typeof element === 'object' && !Array.isArray(element))
    flattenInto(row, '', element, table, rootId, id);
  else row.value = element;
  row._dlt_root_id = rootId;
  row._dlt_parent_id = parentId;
  row._dlt_list_idx = index;
  row._dlt_id = id;
  emit(table, row);
}

const files = new Map();
function writePage() {
  for (const [table, lines] of pageLines) {
    if (lines.length === 0) continue;
    let file = files.get(table);
    if (file === undefined) {
      const path = join(args.dir, `${table}.jsonl`);
      file = { path, fd: openSync(path, 'w') };
      files.set(table, file);
    }
    writeSync(file.fd, `${lines.join('\n')}\n`);
    lines.length = 0;
  }
}

const started = performance.now();
const cpuStart = process.cpuUsage();
const agent = new Agent({ connections: 64 });
const offsets = Array.from({ length: Math.ceil(args.count / 100) }, (_, i) => i * 100);
let next = 0;
let records = 0;
async function fetcher() {
  while (next < offsets.length) {
    const offset = offsets[next++];
    const response = await request(`${args.url}/v1/tasks?offset=${offset}&limit=100&api_key=${args.apiKey}`, {
      dispatcher: agent,
    });
    const body = JSON.parse(await response.body.text());
    for (const record of body.data) {
      const id = newId();
      const row = {};
      flattenInto(row, '', record, ROOT, id, id);
      row._dlt_load_id = LOAD_ID;
      row._dlt_id = id;
      emit(ROOT, row);
    }
    records += body.data.length;
    writePage();
  }
}
await Promise.all(Array.from({ length: args.concurrency }, fetcher));
await agent.close();
for (const file of files.values()) closeSync(file.fd);
const fetchedMs = performance.now() - started;

const instance = await DuckDBInstance.create(join(args.dir, 'lean.duckdb'));
const db = await instance.connect();
await db.run('BEGIN');
for (const [table, file] of files) {
  const columns = [...(columnTypes.get(table) ?? [])].map(([name, type]) => `"${name}": '${type}'`);
  await db.run(
    `CREATE TABLE "${table}" AS SELECT * FROM read_json('${file.path}', format = 'newline_delimited', columns = {${columns.join(', ')}})`,
  );
}
await db.run('COMMIT');
await db.run('CHECKPOINT');
// Timed to here, as the pipeline child is: the row counts below are the check, not the load.
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
/** @type {Record<string, number>} */
const counts = {};
for (const table of files.keys())
  counts[table] = Number((await db.runAndReadAll(`SELECT count(*) FROM "${table}"`)).getRows()[0]?.[0]);
db.closeSync();
instance.closeSync();
process.stdout.write(
  `${JSON.stringify({ wallMs, fetchedMs, cpuMs: (cpu.user + cpu.system) / 1000, records, counts })}\n`,
);
