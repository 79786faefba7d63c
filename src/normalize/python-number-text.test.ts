import { describe, expect, it } from 'vitest';
import { parsePythonFloat, parsePythonInt, textToBigint, textToDouble } from './python-number-text.js';

describe('parsePythonInt', () => {
  it.each([
    ['123', 123n],
    [' 1_000 ', 1000n],
    ['+12', 12n],
    ['-007', -7n],
    ['\x1c12\x85', 12n],
  ])('reads %j as Python int() does', (text, value) => {
    expect(parsePythonInt(text)).toBe(value);
  });

  it.each(['', '1__0', '_1', '1_', '1.0', '0b1', '1e3', '٣'])('rejects %j', (text) => {
    expect(parsePythonInt(text)).toBeUndefined();
  });

  it('reads hex with an optional prefix and underscores', () => {
    expect(parsePythonInt('0x_1f', 16)).toBe(31n);
    expect(parsePythonInt('-FF', 16)).toBe(-255n);
    expect(parsePythonInt('1g', 16)).toBeUndefined();
  });
});

describe('parsePythonFloat', () => {
  it.each([
    ['1e3', 1000],
    ['1.', 1],
    ['-.5', -0.5],
    ['1_0.5', 10.5],
    ['1e5_0', 1e50],
    [' inf ', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['1e400', Number.POSITIVE_INFINITY],
  ])('reads %j as Python float() does', (text, value) => {
    expect(parsePythonFloat(text)).toBe(value);
  });

  it('reads nan in any case', () => {
    expect(parsePythonFloat('NaN')).toBeNaN();
  });

  it.each(['', '.', 'e3', '0x10', '1__0', 'infinit', '1.5.2'])('rejects %j', (text) => {
    expect(parsePythonFloat(text)).toBeUndefined();
  });
});

describe('dlt text coercions', () => {
  it('reads 0x-prefixed text as hex, even twice prefixed, as dlt does', () => {
    expect(textToBigint(' 0x1f ')).toBe(31n);
    expect(textToBigint('0x0x1f')).toBe(31n);
    expect(textToBigint('0X1F')).toBeUndefined();
    expect(textToDouble('0x10')).toBe(16);
    expect(textToDouble('0x')).toBeUndefined();
  });
});
