import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DataType } from '../schema/schema-types.js';
import { coerceValue } from './coercion.js';
import { parseJsonText, toCompactJson } from './compact-json.js';
import { formatPythonFloat } from './float-format.js';
import { JsonDouble } from './json-values.js';

interface VectorFile {
  vectors: Array<[valueJson: string, to: DataType, expected: string | null]>;
}
const { vectors } = JSON.parse(
  readFileSync(new URL('./coercion.vectors.json', import.meta.url), 'utf8'),
) as VectorFile;

/** The value as the extractor hands it over: integers beyond 2^53 stay exact as bigint. */
function extracted(json: string): unknown {
  return /^-?\d+$/.test(json) && !Number.isSafeInteger(Number(json)) ? BigInt(json) : parseJsonText(json);
}

/** The Python-side text the vectors record for a coerced value. */
function asPython(value: unknown, to: DataType): string {
  if (to === 'double') return formatPythonFloat(value as number);
  if (to === 'bool') return value ? 'True' : 'False';
  if (to === 'json') return toCompactJson(value);
  return String(value);
}

describe('coerceValue', () => {
  it.each(vectors)('coerces %s to %s like dlt (%j)', (json, to, expected) => {
    const result = coerceValue(extracted(json), to);
    expect(result.ok ? asPython(result.value, to) : null).toBe(expected);
  });

  it('returns bigints as numbers when safe and as bigint otherwise', () => {
    expect(coerceValue('123', 'bigint')).toEqual({ ok: true, value: 123 });
    expect(coerceValue('0x1f', 'bigint')).toEqual({ ok: true, value: 31 });
    expect(coerceValue('12345678901234567890123', 'bigint')).toEqual({
      ok: true,
      value: 12345678901234567890123n,
    });
    expect(coerceValue(new JsonDouble(3), 'bigint')).toEqual({ ok: true, value: 3 });
    expect(coerceValue(2.5, 'bigint')).toEqual({ ok: false });
    expect(coerceValue(true, 'bigint')).toEqual({ ok: false });
  });

  it('returns doubles as numbers', () => {
    expect(coerceValue(new JsonDouble(1), 'double')).toEqual({ ok: true, value: 1 });
    expect(coerceValue(2n ** 70n, 'double')).toEqual({ ok: true, value: 1.1805916207174113e21 });
    expect(coerceValue(10n ** 400n, 'double')).toEqual({ ok: false });
  });

  it('writes json values as compact JSON text and floats as Python does', () => {
    expect(coerceValue({ b: [1, new JsonDouble(2)], a: 'é' }, 'text')).toEqual({
      ok: true,
      value: '{"b":[1,2.0],"a":"é"}',
    });
    expect(coerceValue(1e-5, 'text')).toEqual({ ok: true, value: '1e-05' });
    expect(coerceValue(new JsonDouble(1), 'text')).toEqual({ ok: true, value: '1.0' });
    expect(coerceValue(false, 'text')).toEqual({ ok: true, value: 'False' });
  });

  it('turns ISO strings and unix seconds into canonical UTC timestamps', () => {
    expect(coerceValue('2022-05-10T00:17:15.3+02:00', 'timestamp')).toEqual({
      ok: true,
      value: '2022-05-09T22:17:15.300000+00:00',
    });
    expect(coerceValue(78172.128, 'timestamp')).toEqual({
      ok: true,
      value: '1970-01-01T21:42:52.128000+00:00',
    });
    expect(coerceValue('übermorgen', 'timestamp')).toEqual({ ok: false });
  });

  it('keeps values of the column type and lets null through', () => {
    expect(coerceValue('2024-03-05T10:20:30Z', 'text')).toEqual({ ok: true, value: '2024-03-05T10:20:30Z' });
    expect(coerceValue({ a: 1 }, 'json')).toEqual({ ok: true, value: { a: 1 } });
    expect(coerceValue(null, 'bigint')).toEqual({ ok: true, value: null });
  });

  it('writes decimals and wei as exact decimal text', () => {
    expect(coerceValue('1.5', 'decimal')).toEqual({ ok: true, value: '1.5' });
    expect(coerceValue(18446744073709551617n, 'wei')).toEqual({ ok: true, value: '18446744073709551617' });
    expect(coerceValue(2.25, 'decimal')).toEqual({ ok: true, value: '2.25' });
    expect(coerceValue('abc', 'decimal')).toEqual({ ok: false });
  });

  it('reads times and binary text (0x hex or strict base64) as dlt does', () => {
    expect(coerceValue('10:20', 'time')).toEqual({ ok: true, value: '10:20:00' });
    expect(coerceValue('23:59:59.1234567', 'time')).toEqual({ ok: true, value: '23:59:59.123456' });
    expect(coerceValue('25:00', 'time')).toEqual({ ok: false });
    expect(coerceValue('aGk=', 'binary')).toEqual({ ok: true, value: '6869' });
    expect(coerceValue('0x6869', 'binary')).toEqual({ ok: true, value: '6869' });
    expect(coerceValue('not base64!', 'binary')).toEqual({ ok: false });
  });
});
