import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse as parseLossless } from 'lossless-json';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { stringifyExact } from '../../normalize/exact-json.js';
import type { ColumnSchema } from '../../schema/schema-types.js';
import { quoteIdentifier } from '../sql/sql-identifiers.js';

/** Rows are sent in chunks of about this many characters (one COPY data message each). */
const CHUNK_CHARS = 256 * 1024;

/** The `COPY … FROM STDIN` statement for the staging columns plus the load-order column. */
export function copySql(target: string, columns: readonly ColumnSchema[], sequenceColumn: string): string {
  const list = [...columns.map((c) => quoteIdentifier(c.name)), quoteIdentifier(sequenceColumn)];
  // Text format: tab-separated, `\N` for NULL, backslash escapes (PostgreSQL manual, COPY "Text Format").
  return `COPY ${target} (${list.join(', ')}) FROM STDIN`;
}

/**
 * Streams a package table's JSON-lines files (in order) into a staging table with `COPY … FROM STDIN` (text format),
 * numbering rows in file order into `sequenceColumn` (the dedup tiebreak "last served wins").
 * Values are written as Postgres reads them: json as its JSON text (jsonb), binary hex as `\x…`
 * (bytea), timestamps, dates, decimals as the exact text the package holds.
 * Resolves to the number of rows copied.
 */
export async function copyJsonLines(
  client: Client,
  sql: string,
  columns: readonly ColumnSchema[],
  files: readonly string[],
): Promise<number> {
  const stream = client.query(copyFrom(sql));
  let rows = 0;
  await pipeline(async function* () {
    for await (const chunk of copyRows(files, columns)) {
      rows += chunk.rows;
      yield chunk.text;
    }
  }, stream);
  return rows;
}

/** The files' rows as COPY text, in chunks, numbered on across the files. */
export async function* copyRows(
  files: readonly string[],
  columns: readonly ColumnSchema[],
): AsyncGenerator<{ text: string; rows: number }> {
  const format = columns.map((c) => fieldFormatter(c));
  const names = columns.map((c) => c.name);
  let out: string[] = [];
  let size = 0;
  let sequence = 0;
  const addLine = (line: string) => {
    if (line === '') return;
    const record = parseLine(line);
    let row = '';
    for (let i = 0; i < names.length; i++) {
      row += `${format[i]!(record[names[i]!])}\t`;
    }
    row += `${++sequence}\n`;
    out.push(row);
    size += row.length;
  };
  for (const file of files) {
    const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    let rest = '';
    for await (const chunk of input as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        addLine(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
      if (size >= CHUNK_CHARS) {
        yield { text: out.join(''), rows: out.length };
        out = [];
        size = 0;
      }
    }
    addLine(rest);
  }
  if (out.length > 0) yield { text: out.join(''), rows: out.length };
}

/**
 * One package line. JSON.parse is exact for every integer up to 2^53; a line where it met a larger
 * one (an integral number beyond the safe range, at any depth) is parsed again losslessly, integers
 * as bigint. Checking the parsed values is far cheaper than scanning the text for long digit runs.
 */
function parseLine(line: string): Record<string, unknown> {
  const record = JSON.parse(line) as Record<string, unknown>;
  if (!hasUnsafeInteger(record)) return record;
  return parseLossless(line, null, (text) => {
    if (!/^-?\d+$/.test(text)) return Number(text);
    const value = BigInt(text);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }) as Record<string, unknown>;
}

function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (hasUnsafeInteger(object[key])) return true;
  }
  return false;
}

type FieldFormatter = (value: unknown) => string;

const NULL_FIELD = '\\N';
const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** A value as a COPY text field: backslash, newline, carriage return and tab escaped. */
export function escapeCopyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => TEXT_ESCAPES[c] ?? c) : text;
}

function fieldFormatter(column: ColumnSchema): FieldFormatter {
  if (column.data_type === 'json') {
    return (value) =>
      value === null || value === undefined ? NULL_FIELD : escapeCopyText(stringifyExact(value));
  }
  if (column.data_type === 'binary') {
    // The package holds bytes as hex; bytea reads `\x<hex>` (the backslash itself escaped for COPY).
    return (value) => (typeof value === 'string' ? `\\\\x${value}` : formatScalar(value));
  }
  return formatScalar;
}

function formatScalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : NULL_FIELD;
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      return value === null ? NULL_FIELD : escapeCopyText(stringifyExact(value));
    default:
      return NULL_FIELD;
  }
}
