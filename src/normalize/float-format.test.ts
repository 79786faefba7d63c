import { describe, expect, it } from 'vitest';
import { formatJsonFloat, formatPythonFloat } from './float-format.js';

// [value, Python repr(value), orjson.dumps(value)] from CPython 3.11 / orjson as shipped with dlt 1.26.
const VECTORS: ReadonlyArray<readonly [number, string, string]> = [
  [1e-4, '0.0001', '0.0001'],
  [1e-5, '1e-05', '0.00001'],
  [1e-6, '1e-06', '1e-6'],
  [1.5e-7, '1.5e-07', '1.5e-7'],
  [1.25e-10, '1.25e-10', '1.25e-10'],
  [1e15, '1000000000000000.0', '1000000000000000.0'],
  [1.5e15, '1500000000000000.0', '1500000000000000.0'],
  [1e16, '1e+16', '1e+16'],
  [1.5e16, '1.5e+16', '1.5e+16'],
  [123e20, '1.23e+22', '1.23e+22'],
  [5e-324, '5e-324', '5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308', '1.7976931348623157e+308'],
  [0.1 + 0.2, '0.30000000000000004', '0.30000000000000004'],
  [100, '100.0', '100.0'],
  [1234567, '1234567.0', '1234567.0'],
  [-2.5e-8, '-2.5e-08', '-2.5e-8'],
  [2.5e-5, '2.5e-05', '0.000025'],
  [9999999999999998, '9999999999999998.0', '9999999999999998.0'],
  [12345678901234568, '1.2345678901234568e+16', '1.2345678901234568e+16'],
  [0.000123456789, '0.000123456789', '0.000123456789'],
  [123456789012345.6, '123456789012345.6', '123456789012345.6'],
  [-0, '-0.0', '-0.0'],
  [0, '0.0', '0.0'],
];

describe('formatPythonFloat', () => {
  it.each(VECTORS)('prints %d as Python repr does', (value, python) => {
    expect(formatPythonFloat(value)).toBe(python);
  });

  it('prints non-finite values as Python does', () => {
    expect(formatPythonFloat(Number.NaN)).toBe('nan');
    expect(formatPythonFloat(Number.POSITIVE_INFINITY)).toBe('inf');
    expect(formatPythonFloat(Number.NEGATIVE_INFINITY)).toBe('-inf');
  });
});

describe('formatJsonFloat', () => {
  it.each(VECTORS)('prints %d as orjson does', (value, _python, json) => {
    expect(formatJsonFloat(value)).toBe(json);
  });

  it('writes non-finite values as null, as orjson does', () => {
    expect(formatJsonFloat(Number.NaN)).toBe('null');
    expect(formatJsonFloat(Number.POSITIVE_INFINITY)).toBe('null');
  });
});
