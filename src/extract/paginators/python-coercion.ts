import { JsonDouble } from '../../normalize/json-values.js';

/**
 * How dlt (Python) reads the JSON values that steer pagination: `int()` for totals, truthiness for
 * cursors, `str2bool` for has-more flags, `str()` (via `requests`) for query params. A port that used
 * JavaScript's rules instead would stop or continue on different pages.
 */

const PY_INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/**
 * Python's `int(value)` on a JSON value, or undefined where Python raises: integers as they are,
 * floats truncated, booleans 0/1, strings only when they spell an integer (`" 7 "`, `"1_000"`;
 * not `"7.0"` nor `"7a"`).
 */
export function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof JsonDouble) return pythonInt(value.value);
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && PY_INT_TEXT.test(value)) {
    return Number.parseInt(value.replaceAll('_', '').trim(), 10);
  }
  return undefined;
}

/** Python truthiness: `None`, `False`, `0`, `0.0`, `""`, `[]` and `{}` are false. */
export function isPythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof JsonDouble) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const TRUE_WORDS = new Set(['yes', 'true', 't', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'false', 'f', 'n', '0']);

/**
 * A has-more flag as dlt reads it: a boolean, or a string word for one (`str2bool`: yes/true/t/y/1,
 * no/false/f/n/0, any case). Anything else (numbers included) is undefined: dlt raises.
 */
export function pythonFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/**
 * A response value about to become a query param. `requests` sends `str(value)`, so a float cursor
 * such as `5.0` travels as `5.0`, not as JavaScript's `5`; other values pass through unchanged.
 */
export function asParamValue(value: unknown): unknown {
  if (!(value instanceof JsonDouble)) return value;
  const n = value.value;
  return Number.isInteger(n) && Math.abs(n) < 1e16 ? `${n}.0` : String(n);
}
