import { describe, expect, it } from 'vitest';
import { secretRegistry } from '../../config/secret-registry.js';
import {
  bodyBytes,
  isTokenRequest,
  scrubResponseBody,
  scrubResponseHeaders,
  storedRequest,
} from './cassette-scrubber.js';

const SECRET = 'scrubber_secret_S3CR3T';
const PLACEHOLDER = 'replay-placeholder-client_secret';
secretRegistry.add(SECRET);
secretRegistry.add(PLACEHOLDER);

describe('storedRequest', () => {
  it('masks credential headers and any header holding a secret, and secrets in the URL', () => {
    const request = storedRequest(
      'get',
      `https://api.example.com/v1/items?token=abc123&q=${encodeURIComponent(SECRET)}`,
      { Authorization: 'Basic dXNlcjpwdw==', Cookie: 'sid=1', 'X-Key': SECRET, Accept: 'application/json' },
      null,
    );
    expect(request).toEqual({
      method: 'GET',
      url: 'https://api.example.com/v1/items?token=***&q=***',
      headers: { authorization: '***', cookie: '***', 'x-key': '***', accept: 'application/json' },
      body: null,
      bodySha256: null,
    });
  });

  it('scrubs a token request to the same body, and hash, with the real secret or a placeholder', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const recorded = storedRequest(
      'POST',
      'https://auth.example.com/token',
      form,
      `client_id=app-1&client_secret=${encodeURIComponent(SECRET)}&grant_type=client_credentials`,
    );
    const replayed = storedRequest(
      'POST',
      'https://auth.example.com/token',
      form,
      `client_id=other&client_secret=${PLACEHOLDER}&grant_type=client_credentials`,
    );
    expect(recorded.body).toBe('client_id=***&client_secret=***&grant_type=client_credentials');
    expect(replayed.bodySha256).toBe(recorded.bodySha256);
    expect(isTokenRequest(recorded)).toBe(true);
  });

  it('masks secret-named fields of a JSON body', () => {
    const request = storedRequest(
      'POST',
      'https://api.example.com/login',
      { 'content-type': 'application/json' },
      '{"user":"a","password":"pw-1"}',
    );
    expect(request.body).toBe('{"user":"a","password":"***"}');
  });
});

describe('scrubResponseBody', () => {
  it('stores an OAuth2 token response with placeholders for the tokens', () => {
    const body = Buffer.from('{"access_token":"tok-1","refresh_token":"r-2","expires_in":3600}');
    expect(scrubResponseBody(body, true)).toEqual({
      encoding: 'json',
      data: {
        access_token: 'recorded-access-token',
        refresh_token: 'recorded-refresh-token',
        expires_in: 3600,
      },
    });
    expect(scrubResponseBody(body, false).data).toEqual(JSON.parse(body.toString()));
  });

  it('masks a secret the API echoes', () => {
    const stored = scrubResponseBody(Buffer.from(`{"note":"key is ${SECRET}"}`), false);
    expect(stored).toEqual({ encoding: 'json', data: { note: 'key is ***' } });
  });

  it('keeps JSON that would not come back byte for byte as text, and replays the same bytes', () => {
    for (const text of ['{"id":12345678901234567890}', '{ "a": 1 }', '[1.0]', 'plain text ✓']) {
      const stored = scrubResponseBody(Buffer.from(text), false);
      expect(stored.encoding).toBe('utf8');
      expect(bodyBytes(stored).toString()).toBe(text);
    }
    const compact = '{"a":[1,"x",{"b":null}]}';
    expect(bodyBytes(scrubResponseBody(Buffer.from(compact), false)).toString()).toBe(compact);
  });

  it('stores other bytes as base64 with the secrets in them masked', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(SECRET), Buffer.from([0x80])]);
    const stored = scrubResponseBody(body, false);
    expect(stored.encoding).toBe('base64');
    const replayed = bodyBytes(stored);
    expect(replayed.toString('latin1')).not.toContain(SECRET);
    expect([...replayed.subarray(0, 3)]).toEqual([0xff, 0xfe, 0x00]);
    expect(replayed.subarray(3, 6).toString()).toBe('***');
  });
});

describe('scrubResponseHeaders', () => {
  it('drops cookies and what changes on every run, and masks secrets in the rest', () => {
    expect(
      scrubResponseHeaders({
        'set-cookie': ['a=1', 'b=2'],
        date: 'Tue, 01 Oct 2024 10:00:00 GMT',
        'content-length': '12',
        'content-type': 'application/json',
        link: `<https://api.example.com/items?page=2&k=${SECRET}>; rel="next"`,
      }),
    ).toEqual({
      'content-type': 'application/json',
      link: '<https://api.example.com/items?page=2&k=***>; rel="next"',
    });
  });
});
