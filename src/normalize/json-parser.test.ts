import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonWith } from './json-parser.js';

const asNumber = (literal: string) => Number(literal);
const parse = (text: string) => parseJsonWith(text, asNumber);

describe('parseJsonWith', () => {
  it('reads what JSON.parse reads, for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        expect(parse(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('hands every number literal to the reader, as written', () => {
    const seen: string[] = [];
    parseJsonWith('[1.0, -0, 12345678901234567890, 1e3, {"a": 2.50}]', (literal) => {
      seen.push(literal);
      return 0;
    });
    expect(seen).toEqual(['1.0', '-0', '12345678901234567890', '1e3', '2.50']);
  });

  it('decodes escapes and keeps __proto__ an own key', () => {
    const value = parse('{"a\\"b": "x\\ny\\u00e9\\ud83d\\ude00", "__proto__": {"polluted": true}}') as Record<
      string,
      unknown
    >;
    expect(value['a"b']).toBe('x\nyé😀');
    expect(Object.keys(value)).toEqual(['a"b', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lets a later duplicate key win', () => {
    expect(parse('{"a":1,"b":2,"a":3}')).toEqual({ a: 3, b: 2 });
  });

  it('reads 1,000,000 levels of nesting without a stack overflow', () => {
    const depth = 1_000_000;
    let value = parse(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`);
    for (let level = 0; level < depth; level++) value = ((value as { a: unknown[] }).a[0] ?? null) as never;
    expect(value).toBe(1);
  });

  it.each([
    ['', 'expected a JSON value but the text ended', 0],
    ['{"data":[{"id":1,', 'expected a quoted key but the text ended', 17],
    ['[1,2', "expected ',' or ']' after an array element but the text ended", 4],
    ['{"a":1}x', 'unexpected text after the JSON value', 7],
    ['{"a": tru}', 'expected a JSON value', 6],
    ['[01]', "expected ',' or ']' after an array element", 2],
    ['[1,]', 'expected a JSON value', 3],
    ['{"a" 1}', "expected ':' after a key", 5],
    ['["a\tb"]', 'a string holds an unescaped control character', 1],
    ['["\\x"]', 'a string holds an invalid escape or control character', 1],
    ['["abc', 'a string is not closed but the text ended', 5],
    ['NaN', 'expected a JSON value', 0],
  ])('rejects %j: %s at %i', (text, reason, position) => {
    let error: unknown;
    try {
      parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect(error).toMatchObject({ reason, position });
    expect(() => JSON.parse(text)).toThrow();
  });
});
