import { describe, expect, it } from 'vitest';
import { JsonDouble } from './json-values.js';
import { inferDataType, valueDataType } from './type-inference.js';

describe('inferDataType', () => {
  it.each([
    ['text', 'hello'],
    ['text', ''],
    ['text', '2024-03-05'],
    ['text', '10:20:30'],
    ['timestamp', '2024-03-05T10:20:30Z'],
    ['timestamp', '2022-05-10T00:17:15.3+02:00'],
    ['timestamp', '2024/03/05 10:20'],
    ['bool', true],
    ['bigint', 1],
    ['bigint', -0],
    ['wei', 2n ** 70n],
    ['text', 2n ** 130n],
    ['bigint', 2n ** 63n - 1n],
    ['double', 1.5],
    ['double', new JsonDouble(1)],
    ['double', 1e300],
    ['json', { a: 1 }],
    ['json', [1, 2]],
  ] as const)('types a value as %s: %s', (type, value) => {
    expect(inferDataType(value)).toBe(type);
  });

  it('gives null and undefined no type, so they never create a column', () => {
    expect(inferDataType(null)).toBeUndefined();
    expect(inferDataType(undefined)).toBeUndefined();
  });
});

describe('valueDataType', () => {
  it('does not run detectors: every string is text', () => {
    expect(valueDataType('2024-03-05T10:20:30Z')).toBe('text');
    expect(valueDataType(new JsonDouble(2))).toBe('double');
  });
});
