import { describe, expect, it } from 'vitest';
import { compareCodePoints, parseJsonText, toCompactJson } from './compact-json.js';
import { JsonDouble } from './json-values.js';

describe('toCompactJson', () => {
  it('writes JSON as orjson does: compact, unescaped, floats marked', () => {
    const value = {
      a: 1e16,
      b: 1e-5,
      c: new JsonDouble(1),
      e: 'ü\u2028</',
      h: -0.5,
      k: 2n ** 64n,
      l: null,
      m: true,
    };
    expect(toCompactJson(value)).toBe(
      '{"a":1e+16,"b":0.00001,"c":1.0,"e":"ü\u2028</","h":-0.5,"k":18446744073709551616,"l":null,"m":true}',
    );
    expect(toCompactJson('a\x01\x1f\n\t"\\\x7f\b\f')).toBe('"a\\u0001\\u001f\\n\\t\\"\\\\\x7f\\b\\f"');
    expect(toCompactJson([Number.NaN, Number.POSITIVE_INFINITY])).toBe('[null,null]');
  });

  it('sorts keys of every object by code point when asked', () => {
    const value = { b: 1, a: { d: 1, c: 2 }, '\uffff': 1, '😀': 2, é: 3 };
    expect(toCompactJson(value, true)).toBe('{"a":{"c":2,"d":1},"b":1,"é":3,"\uffff":1,"😀":2}');
    expect(['😀', '\uffff'].sort(compareCodePoints)).toEqual(['\uffff', '😀']);
  });

  it('does not overflow the stack on deeply nested values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(toCompactJson(deep)).toHaveLength(50_000 * '{"k":}'.length + 50_000 * '[]'.length + 1);
  });
});

describe('parseJsonText', () => {
  it('keeps floats floats and integers exact within 64 bits, as orjson does', () => {
    expect(parseJsonText('{"a": 1.0, "b": 2, "c": 1.5, "d": 18446744073709551615, "e": -0}')).toEqual({
      a: new JsonDouble(1),
      b: 2,
      c: 1.5,
      d: 18446744073709551615n,
      e: 0,
    });
    expect(parseJsonText('12345678901234567890123')).toEqual(new JsonDouble(1.2345678901234568e22));
  });

  it('lets a later duplicate key win', () => {
    expect(parseJsonText('{"a":1,"a":2,"b":3}')).toEqual({ a: 2, b: 3 });
  });

  it.each(['NaN', '[1,]', '01', '1e400', ''])('rejects %j', (text) => {
    expect(() => parseJsonText(text)).toThrow();
  });
});
