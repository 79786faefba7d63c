import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../errors/tributary-error.js';
import { JsonDouble } from '../../normalize/json-values.js';
import type { HttpResponse } from './http-client.js';
import { parseJsonBody, refuseJsonBody } from './json-body.js';

const response = (body: string, contentType = 'application/json'): HttpResponse => ({
  status: 200,
  headers: { 'content-type': contentType },
  body: Buffer.from(body, 'utf8'),
  url: 'http://h/x',
});
const parse = (body: string, contentType?: string) =>
  parseJsonBody(response(body, contentType), 'GET', 'http://h/x?api_key=***');
const failure = (attempt: () => unknown): TributaryError => {
  try {
    attempt();
  } catch (error) {
    if (error instanceof TributaryError) return error;
    throw error;
  }
  throw new Error('expected a TributaryError');
};

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

  it('marks cut-off JSON as retryable and gives the byte where reading stopped', () => {
    const error = failure(() => parse('\ufeff{"data": [{"name": "Zoë"}, {"id"'));
    expect(error.code).toBe('RESPONSE_INVALID');
    expect(error.retryable).toBe(true);
    // The end of the text: 3 bytes of byte order mark, 31 ASCII characters and 2 bytes of "ë".
    expect(error.message).toContain("not valid JSON: expected ':' after a key but the text ended at byte 36");
    expect(error.message).toMatch(/\(application\/json, 36 bytes: \{"data": \[\{"name": "Zoë"\}, \{"id"\)$/);
  });

  it('never quotes the body through the native parser message, which ignores secret masking', () => {
    const error = failure(() => parse('{"password": "hunter2-secret", "n": tru}'));
    expect(error.message).toContain('expected a JSON value at byte 36 ');
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('fails at once on an empty body, and says how to ignore an empty 204', () => {
    const empty = failure(() => parse('   '));
    expect(empty.retryable).toBe(false);
    expect(empty.message).toMatch(
      /returned 200 with an empty body where JSON was expected \(application\/json, 3 bytes\)$/,
    );
    const noContent = failure(() =>
      parseJsonBody(
        { status: 204, headers: {}, body: Buffer.alloc(0), url: 'http://h/x' },
        'GET',
        'http://h/x',
      ),
    );
    expect(noContent.message).toContain(
      'GET http://h/x returned 204 with an empty body where JSON was expected (no content type, 0 bytes); if the API answers 204 when there is nothing (more) to read, add response_actions: [{ status_code: 204, action: ignore }] to the endpoint',
    );
  });

  it('fails at once on text that is not JSON', () => {
    const error = failure(() => parse('Rate limit exceeded', 'text/plain'));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'GET http://h/x?api_key=*** returned 200 with a body that is not JSON (text/plain, 19 bytes): Rate limit exceeded',
    );
  });

  it('reads 100,000 levels of nesting on both parsers', () => {
    const depth = 100_000;
    for (const leaf of ['1', '1.0']) {
      let value = parse(`${'{"a":['.repeat(depth)}${leaf}${']}'.repeat(depth)}`);
      for (let level = 0; level < depth; level++) value = (value as { a: unknown[] }).a[0] as never;
      expect(value).toEqual(leaf === '1' ? 1 : new JsonDouble(1));
    }
  });

  it('parses a body once when the retry loop has already checked it', () => {
    const checked = response('{"a": 1}');
    expect(refuseJsonBody(checked, 'GET', 'http://h/x')).toBeUndefined();
    checked.body = Buffer.from('not JSON any more');
    expect(parseJsonBody(checked, 'GET', 'http://h/x')).toEqual({ a: 1 });
    expect(refuseJsonBody(response('{"a":'), 'GET', 'http://h/x')?.retryable).toBe(true);
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
