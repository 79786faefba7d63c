import { stripWhitespace } from './naming.js';

/**
 * Number parsing as Python's `int(text)` / `float(text)` do it, which is what dlt's text→bigint and
 * text→double coercions call: surrounding whitespace allowed, `_` between digits, `inf`/`nan`, and no
 * JavaScript extras (`Number('')` is 0, `Number('0b1')` is 1; Python rejects both).
 */

const DECIMAL_INT = /^[+-]?\d(?:_?\d)*$/;
const HEX_INT = /^([+-]?)(?:0[xX]_?)?([0-9a-fA-F](?:_?[0-9a-fA-F])*)$/;
const DIGITS = '\\d(?:_?\\d)*';
const FLOAT = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?)$`,
);
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Python `int(text)` (base 10) or `int(text, 16)`; undefined where Python raises ValueError.
 * @example parsePythonInt(' 1_000 ') // 1000n
 */
export function parsePythonInt(text: string, base: 10 | 16 = 10): bigint | undefined {
  const trimmed = stripWhitespace(text);
  if (base === 10) return DECIMAL_INT.test(trimmed) ? BigInt(trimmed.replaceAll('_', '')) : undefined;
  const match = HEX_INT.exec(trimmed);
  if (!match) return undefined;
  const magnitude = BigInt(`0x${(match[2] ?? '').replaceAll('_', '')}`);
  return match[1] === '-' ? -magnitude : magnitude;
}

/**
 * Python `float(text)`; undefined where Python raises ValueError.
 * @example parsePythonFloat('1e3') // 1000
 */
export function parsePythonFloat(text: string): number | undefined {
  const trimmed = stripWhitespace(text);
  if (FLOAT.test(trimmed)) return Number(trimmed.replaceAll('_', ''));
  const special = SPECIAL_FLOAT.exec(trimmed);
  if (!special) return undefined;
  if (special[2]?.toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/**
 * dlt's text→bigint: `int(text, 16)` after a leading `0x`, else `int(text)`.
 * @example textToBigint('0x1f') // 31n
 */
export function textToBigint(text: string): bigint | undefined {
  const trimmed = stripWhitespace(text);
  return trimmed.startsWith('0x') ? parsePythonInt(trimmed.slice(2), 16) : parsePythonInt(trimmed);
}

/**
 * dlt's text→double: `float(int(text, 16))` after a leading `0x`, else `float(text)`.
 * @example textToDouble(' 2.5 ') // 2.5
 */
export function textToDouble(text: string): number | undefined {
  const trimmed = stripWhitespace(text);
  if (!trimmed.startsWith('0x')) return parsePythonFloat(trimmed);
  const integer = parsePythonInt(trimmed.slice(2), 16);
  // Python's float(int) raises OverflowError beyond the double range.
  const value = integer === undefined ? undefined : Number(integer);
  return value === undefined || !Number.isFinite(value) ? undefined : value;
}
