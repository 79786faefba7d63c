/**
 * Float-to-text formats of the two Python writers dlt uses: `repr(float)` (what `str()` gives when a
 * double is coerced to text) and orjson (json values and row hashes). Both print the shortest digits
 * that round-trip, which is also what JavaScript computes; they differ from JavaScript (and from each
 * other) only in when they switch to exponent notation and how they print the exponent.
 */

interface Decomposed {
  negative: boolean;
  digits: string;
  /** Decimal exponent of the first digit: value = 0.d1d2… × 10^(exponent + 1). */
  exponent: number;
}

function decompose(value: number): Decomposed {
  // toExponential() without an argument yields the shortest round-tripping digits.
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
  return {
    negative: value < 0 || Object.is(value, -0),
    digits: mantissa.replace('.', ''),
    exponent: Number(exponent),
  };
}

function positional({ digits, exponent }: Decomposed): string {
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${integer}.${fraction === '' ? '0' : fraction}`;
}

function scientific({ digits, exponent }: Decomposed, minExponentDigits: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(minExponentDigits, '0')}`;
}

/**
 * Python's `repr(float)`: positional for exponents -4…15, else `1e-05` / `1.5e+16` style.
 * @example formatPythonFloat(1) // '1.0'
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const parts = decompose(value);
  const body = parts.exponent < -4 || parts.exponent >= 16 ? scientific(parts, 2) : positional(parts);
  return parts.negative ? `-${body}` : body;
}

/**
 * orjson's float format: positional for exponents -5…15, else `1e-7` / `1e+16`; NaN and ±inf are `null`.
 * @example formatJsonFloat(0.00001) // '0.00001'
 */
export function formatJsonFloat(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  const parts = decompose(value);
  const body = parts.exponent < -5 || parts.exponent >= 16 ? scientific(parts, 1) : positional(parts);
  return parts.negative ? `-${body}` : body;
}
