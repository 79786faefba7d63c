import { describe, expect, it } from 'vitest';
import type { TributaryError } from '../../errors/tributary-error.js';
import { JsonDouble } from '../../normalize/json-values.js';
import type { HttpResponse } from './http-client.js';
import { parseJsonBody } from './json-body.js';

const response = (body: string, contentType = 'application/json'): HttpResponse => ({
  status: 200,
  headers: { 'content-type': contentType },
  body: Buffer.from(body, 'utf8'),
  url: 'http://h/x',
});
const parse = (body: string, contentType?: string) =>
  parseJsonBody(response(body, contentType), 'GET', 'http://h/x?api_key=***');

describe('JSON bodies', () => {
  it('keeps integers beyond 2^53 exact and integral floats as floats', () => {
    expect(parse('{"id": 1152921504606846977, "n": 7, "f": 1.0, "e": 1e3, "x": 2.5}')).toEqual({
      id: 1152921504606846977n,
      n: 7,
      f: new JsonDouble(1),
      e: new JsonDouble(1000),
      x: 2.5,
    });
  });

  it('skips a byte order mark', () => {
    expect(parse('\ufeff{"a": 1}')).toEqual({ a: 1 });
  });

  it('explains an HTML page served with 200', () => {
    expect(() => parse('<!doctype html><html><body>Login</body></html>', 'text/html')).toThrow(
      /GET http:\/\/h\/x\?api_key=\*\*\* returned 200 with an HTML page where JSON was expected \(text\/html, \d+ bytes\): <!doctype html>/,
    );
  });

  it('explains a truncated body and an empty body, as errors that a retry does not fix', () => {
    const truncated = (() => {
      try {
        parse('{"data": [{"id": 1}, {"id"');
      } catch (error) {
        return error as TributaryError;
      }
    })();
    expect(truncated?.code).toBe('RESPONSE_INVALID');
    expect(truncated?.retryable).toBe(false);
    expect(truncated?.message).toMatch(/not valid JSON/);
    expect(() => parse('   ')).toThrow(/empty body where JSON was expected/);
  });
});

describe('the fast path', () => {
  it('gives the same values as the exact parser for ordinary bodies, and falls back when digits could be lost', () => {
    expect(parse('{"data": [{"id": 1, "t": "2024-01-01T00:00:00.000Z", "x": 2.5}], "total": 3}')).toEqual({
      data: [{ id: 1, t: '2024-01-01T00:00:00.000Z', x: 2.5 }],
      total: 3,
    });
    expect(parse('[1.5e3, 12345678901234567, 2.0]')).toEqual([
      new JsonDouble(1500),
      12345678901234567n,
      new JsonDouble(2),
    ]);
  });
});
