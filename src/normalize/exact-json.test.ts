import { describe, expect, it } from 'vitest';
import { canonicalJson, stringifyExact } from './exact-json.js';
import { JsonDouble } from './json-values.js';

describe('stringifyExact', () => {
  it('writes bigints exactly, doubles as numbers, and leaves out undefined members', () => {
    expect(
      stringifyExact({ id: 2n ** 64n, x: new JsonDouble(1), u: undefined, l: [undefined, Number.NaN, 'é'] }),
    ).toBe('{"id":18446744073709551616,"x":1,"l":[null,null,"é"]}');
    expect(stringifyExact([])).toBe('[]');
    expect(stringifyExact({ a: {} })).toBe('{"a":{}}');
  });

  it('writes 100,000 levels of nesting without a stack overflow', () => {
    let deep: unknown = 1n;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(stringifyExact(deep)).toBe(`${'[{"k":'.repeat(50_000)}1${'}]'.repeat(50_000)}`);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null, e: undefined }] })).toBe(
      '{"a":[{"c":null,"d":true}],"b":1}',
    );
  });

  it('writes 100,000 levels of nesting without a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { k: [deep] };
    expect(canonicalJson(deep)).toHaveLength(100_000 * '{"k":[]}'.length + 3);
  });
});
