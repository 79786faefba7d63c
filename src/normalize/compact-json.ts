import { formatJsonFloat } from './float-format.js';
import { parseJsonWith } from './json-parser.js';
import { isJsonObject, JsonDouble, type JsonValue } from './json-values.js';

/**
 * JSON text exactly as dlt's orjson writes it (json values coerced to text, row-key hashes): no
 * whitespace, non-ASCII unescaped, floats in orjson's format, integers exact. With `sortKeys` every
 * object's keys are ordered by code point (orjson `OPT_SORT_KEYS`), not by UTF-16 unit as JS sorts.
 * Iterative, so a deeply nested value cannot overflow the stack.
 * @example toCompactJson({ b: 1, a: new JsonDouble(2) }, true) // '{"a":2.0,"b":1}'
 */
export function toCompactJson(value: unknown, sortKeys = false): string {
  const out: string[] = [];
  const stack: Array<{ close: string; keys: string[] | undefined; items: unknown[]; index: number }> = [];
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      if (Array.isArray(pending)) {
        out.push('[');
        stack.push({ close: ']', keys: undefined, items: pending, index: 0 });
      } else if (isJsonObject(pending)) {
        const object = pending;
        const keys = Object.keys(object);
        if (sortKeys) keys.sort(compareCodePoints);
        out.push('{');
        stack.push({ close: '}', keys, items: keys.map((key) => object[key]), index: 0 });
      } else {
        out.push(scalarToJson(pending));
      }
    }
    const top = stack.at(-1);
    if (top === undefined) break;
    if (top.index >= top.items.length) {
      out.push(top.close);
      stack.pop();
      continue;
    }
    if (top.index > 0) out.push(',');
    if (top.keys) out.push(JSON.stringify(top.keys[top.index]), ':');
    pending = top.items[top.index];
    hasPending = true;
    top.index += 1;
  }
  return out.join('');
}

function scalarToJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      // A safe integer is a JSON integer literal (a Python int); anything else is a float.
      return Number.isSafeInteger(value) ? String(value) : formatJsonFloat(value);
    case 'undefined':
      return 'null';
    default:
      if (value === null) return 'null';
      if (value instanceof JsonDouble) return formatJsonFloat(value.value);
      return JSON.stringify(String(value));
  }
}

/** Orders strings by Unicode code point (= UTF-8 byte order), as Python and orjson compare keys. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

// Surrogates (astral code points) must sort after U+E000–U+FFFF, which UTF-16 order puts after them.
function codeUnitRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

/**
 * Parses JSON text as dlt's `json.loads` (orjson) does: a later duplicate key wins, integer literals
 * stay exact within the 64-bit range (larger ones become floats, as in orjson), float literals stay
 * floats (`1.0` → {@link JsonDouble}). Throws SyntaxError on invalid JSON or a float that overflows.
 * Iterative, so any nesting depth parses.
 * @example parseJsonText('{"a":1.0}') // { a: JsonDouble(1) }
 */
export function parseJsonText(text: string): JsonValue {
  return parseJsonWith(text, parseNumberLiteral);
}

function parseNumberLiteral(literal: string): number | bigint | JsonDouble {
  if (!/[.eE]/.test(literal)) {
    const integer = BigInt(literal);
    if (integer >= I64_MIN && integer <= U64_MAX) {
      return integer >= BigInt(Number.MIN_SAFE_INTEGER) && integer <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(integer)
        : integer;
    }
  }
  const float = Number(literal);
  if (!Number.isFinite(float)) throw new SyntaxError(`number ${literal} is infinity when parsed as double`);
  return Number.isInteger(float) ? new JsonDouble(float) : float;
}
