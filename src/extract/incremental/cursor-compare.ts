import { TributaryError } from '../../errors/tributary-error.js';
import { formatTimestamp, parseIsoTimestamp } from '../../normalize/iso-timestamp.js';
import { JsonDouble } from '../../normalize/json-values.js';

/** A cursor value as a comparable primitive: numbers and bigints compare numerically, strings as text. */
function primitive(value: unknown): number | bigint | string {
  if (value instanceof JsonDouble) return value.value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  throw new TributaryError(
    'CONFIG_INVALID',
    `cursor value ${JSON.stringify(String(value))} is not a number or a string`,
  );
}

/**
 * Orders two cursor values as Python compares them (dlt's `max`): numbers numerically, strings
 * lexicographically (ISO timestamps of one format sort in time order); a number against a string
 * is an error, as in Python.
 */
export function compareCursor(a: unknown, b: unknown): number {
  const x = primitive(a);
  const y = primitive(b);
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(x) && numeric(y)) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  throw new TributaryError(
    'CONFIG_INVALID',
    `cannot compare cursor values ${JSON.stringify(String(x))} and ${JSON.stringify(String(y))}: a number and a string`,
  );
}

/**
 * A cursor value moved back by `lag` (dlt's `lag`): seconds for ISO timestamp strings (written back in
 * UTC, in the original's style), days for date strings, units for numbers.
 */
export function applyLag(value: unknown, lag: number): unknown {
  if (value instanceof JsonDouble) return value.value - lag;
  if (typeof value === 'number') return value - lag;
  if (typeof value === 'bigint') return value - BigInt(Math.trunc(lag));
  if (typeof value !== 'string') return value;
  const micros = parseIsoTimestamp(value);
  if (micros !== undefined) {
    let shifted = formatTimestamp(micros - BigInt(Math.round(lag * 1_000_000)));
    if (!/\.\d/.test(value)) shifted = shifted.replace('.000000', '');
    return value.endsWith('Z') ? shifted.replace('+00:00', 'Z') : shifted;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() - Math.trunc(lag));
    return day.toISOString().slice(0, 10);
  }
  return value;
}
