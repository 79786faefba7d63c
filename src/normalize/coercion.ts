import type { DataType } from '../schema/schema-types.js';
import { parseJsonText, toCompactJson } from './compact-json.js';
import { formatPythonFloat } from './float-format.js';
import {
  canonicalUtcTimestamp,
  formatDateOf,
  formatTimestamp,
  parseIsoDate,
  parseIsoTimestamp,
  unixSecondsToMicros,
} from './iso-timestamp.js';
import { JsonDouble } from './json-values.js';
import { parsePythonFloat, textToBigint, textToDouble } from './python-number-text.js';
import { valueDataType } from './type-inference.js';

export type CoerceResult = { ok: true; value: unknown } | { ok: false };

const FAILED: CoerceResult = { ok: false };
const TRUE_TEXT = new Set(['yes', 'true', 't', 'y', '1']);
const FALSE_TEXT = new Set(['no', 'false', 'f', 'n', '0']);

/**
 * Fits a value into a column of type `to` as dlt's coercions do (reference §3.3); `{ ok: false }` is
 * where dlt raises and the value goes to a variant column. Results: text → string, bigint → number if
 * safe else bigint, double → number, bool → boolean, timestamp → `formatTimestamp` text (UTC),
 * date → `YYYY-MM-DD`, json → the value. Null stays null (nullability is the schema's business).
 * decimal and wei → exact decimal text. `binary` and `time` are not supported yet.
 * @example coerceValue('0x1f', 'bigint') // { ok: true, value: 31 }
 */
export function coerceValue(value: unknown, to: DataType): CoerceResult {
  const result = coercedOrUndefined(value, to);
  return result === undefined ? FAILED : { ok: true, value: result };
}

/**
 * {@link coerceValue} without the result object, for row coercion, which calls it for every value
 * of every row: the stored value, or undefined where dlt raises. Null stays null.
 * @example coercedOrUndefined('0x1f', 'bigint') // 31
 */
export function coercedOrUndefined(value: unknown, to: DataType): unknown {
  if (value === null || value === undefined) return null;
  const from = valueDataType(value);
  if (from === undefined) return undefined;
  return from === to ? sameType(value, to) : convert(value, from, to);
}

/** Decimals travel as exact decimal text, so no digit is lost on the way to a DECIMAL column. */
function toDecimalText(value: unknown, from: DataType): string | undefined {
  if (from === 'bigint') return String(value);
  if (from === 'double')
    return finiteOrUndefined(numberOf(value)) === undefined ? undefined : String(numberOf(value));
  if (from === 'text')
    return /^[+-]?\d+(\.\d+)?$/.test((value as string).trim()) ? (value as string).trim() : undefined;
  return undefined;
}

/** `HH:MM[:SS[.ffffff]]` → `HH:MM:SS[.ffffff]` (fractions beyond 6 digits cut, as Python does). */
function textToTime(text: string): string | undefined {
  const match = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const [, h = '', m = '', sec = '00', fraction] = match;
  if (Number(h) > 23 || Number(m) > 59 || Number(sec) > 59) return undefined;
  return `${h}:${m}:${sec}${fraction ? `.${fraction.slice(0, 6)}` : ''}`;
}

/**
 * `0x`-prefixed hex or strict base64 → the bytes as DuckDB and Postgres read escaped text into a
 * BLOB/bytea (`\xHH` per byte).
 */
function textToBinary(text: string): string | undefined {
  let bytes: Buffer;
  if (/^0x([0-9a-fA-F]{2})*$/.test(text)) bytes = Buffer.from(text.slice(2), 'hex');
  else if (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    bytes = Buffer.from(text, 'base64');
  else return undefined;
  return bytes.toString('hex');
}

function sameType(value: unknown, type: DataType): unknown {
  if (type === 'bigint') return toIntegerValue(value as number | bigint);
  // Exact decimal text: a JSON number would reach a DECIMAL column through a double.
  if (type === 'wei' || type === 'decimal') return String(value);
  if (type === 'double') return numberOf(value);
  return value;
}

function convert(value: unknown, from: DataType, to: DataType): unknown {
  switch (to) {
    case 'text':
      return toText(value, from);
    case 'bigint':
      if (from === 'text') return mapDefined(textToBigint(value as string), toIntegerValue);
      return from === 'double' ? doubleToInteger(numberOf(value)) : undefined;
    case 'double':
      if (from === 'text') return textToDouble(value as string);
      return from === 'bigint' ? finiteOrUndefined(Number(value)) : undefined;
    case 'bool':
      if (from === 'text') return textToBool(value as string);
      // Python truthiness: NaN is true.
      return from === 'bigint' || from === 'double' ? numberOf(value) !== 0 : undefined;
    case 'json':
      return from === 'text' ? parseOrUndefined(value as string) : undefined;
    case 'timestamp':
      return toTimestampText(value, from);
    case 'date':
      return mapDefined(
        from === 'text' ? textToDateMicros(value as string) : toMicros(value, from),
        formatDateOf,
      );
    case 'decimal':
    case 'wei':
      return toDecimalText(value, from);
    case 'time':
      return from === 'text' ? textToTime(value as string) : undefined;
    case 'binary':
      return from === 'text' ? textToBinary(value as string) : undefined;
    default:
      return undefined;
  }
}

function toText(value: unknown, from: DataType): string | undefined {
  switch (from) {
    case 'json':
      return toCompactJson(value);
    case 'bool':
      // Python `str(True)`.
      return value ? 'True' : 'False';
    case 'bigint':
      return String(value);
    case 'double':
      return formatPythonFloat(numberOf(value));
    default:
      return undefined;
  }
}

/**
 * The canonical timestamp text. A UTC date-time text (most of what APIs send) is rewritten from its
 * own digits; everything else goes through epoch microseconds, which gives the same text for it.
 */
function toTimestampText(value: unknown, from: DataType): string | undefined {
  const canonical = from === 'text' ? canonicalUtcTimestamp(value as string) : undefined;
  return canonical ?? mapDefined(toMicros(value, from), formatTimestamp);
}

/** Epoch microseconds for timestamp coercion: ISO date-time, ISO date (midnight) or unix seconds. */
function toMicros(value: unknown, from: DataType): bigint | undefined {
  if (from === 'bigint') return unixSecondsToMicros(BigInt(value as number | bigint));
  if (from === 'double') return unixSecondsToMicros(numberOf(value));
  if (from !== 'text') return undefined;
  const text = value as string;
  return (
    parseIsoTimestamp(text) ?? parseIsoDate(text) ?? mapDefined(parsePythonFloat(text), unixSecondsToMicros)
  );
}

// dlt reads an ISO date first, then anything a timestamp can be read from (taking its UTC date).
function textToDateMicros(text: string): bigint | undefined {
  return parseIsoDate(text) ?? toMicros(text, 'text');
}

function textToBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (TRUE_TEXT.has(lower)) return true;
  return FALSE_TEXT.has(lower) ? false : undefined;
}

function parseOrUndefined(text: string): unknown {
  try {
    return parseJsonText(text);
  } catch {
    return undefined;
  }
}

function doubleToInteger(value: number): number | bigint | undefined {
  return Number.isInteger(value) ? toIntegerValue(BigInt(value)) : undefined;
}

function toIntegerValue(value: number | bigint): number | bigint {
  if (typeof value === 'number') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function numberOf(value: unknown): number {
  if (value instanceof JsonDouble) return value.value;
  return Number(value);
}

function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

function mapDefined<T, R>(value: T | undefined, f: (v: T) => R): R | undefined {
  return value === undefined ? undefined : f(value);
}
