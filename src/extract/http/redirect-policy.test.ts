import { describe, expect, it } from 'vitest';
import { secretRegistry } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import { credentialOrigins, keepsCredentials } from './credential-scope.js';
import type { HttpRequest } from './http-message.js';
import { isFollowedRedirect, redirectRequest } from './redirect-policy.js';

const SECRET = 'redirect-unit-secret-51c2';
secretRegistry.add(SECRET);

const post = (url: string): HttpRequest => ({
  method: 'POST',
  url,
  headers: {
    Authorization: 'Bearer t0ken-abc',
    'X-Api-Key': 'key-set-by-auth',
    'X-Custom': `prefix ${SECRET}`,
    cookie: 'sid=1',
    'content-type': 'application/json',
    accept: 'application/json',
  },
  body: '{"q":1}',
  authHeaders: ['x-api-key'],
});

function refusal(run: () => unknown): TributaryError {
  try {
    run();
  } catch (error) {
    if (error instanceof TributaryError) return error;
    throw error;
  }
  throw new Error('expected the redirect to be refused');
}

describe('redirectRequest', () => {
  it('turns a POST into a GET without body on 303, and on 301 and 302 as requests does', () => {
    for (const status of [301, 302, 303]) {
      const next = redirectRequest(post('https://api.example.com/a'), status, '/b?x=1');
      expect(next.method).toBe('GET');
      expect(next.url).toBe('https://api.example.com/b?x=1');
      expect(next.body).toBeUndefined();
      expect(Object.keys(next.headers)).not.toContain('content-type');
      expect(next.headers.Authorization).toBe('Bearer t0ken-abc');
    }
  });

  it('keeps method, body and credentials on 307 and 308 within the origin', () => {
    for (const status of [307, 308]) {
      const next = redirectRequest(post('https://api.example.com/a'), status, 'https://api.example.com/c');
      expect(next).toMatchObject({ method: 'POST', body: '{"q":1}', authHeaders: ['x-api-key'] });
      expect(next.headers).toEqual(post('x').headers);
    }
  });

  it('leaves every credential behind on the way to another origin', () => {
    const start = { ...post('https://api.example.com/a'), method: 'GET' as const };
    delete start.body;
    for (const target of ['https://cdn.example.com/a', 'https://api.example.com:8443/a']) {
      const next = redirectRequest(start, 302, target);
      expect(next.headers).toEqual({ accept: 'application/json' });
      expect(next.authHeaders).toBeUndefined();
    }
  });

  it('keeps credentials on an upgrade from http to https of the same host on default ports', () => {
    const next = redirectRequest(post('http://api.example.com/a'), 308, 'https://api.example.com/a');
    expect(next.headers.Authorization).toBe('Bearer t0ken-abc');
  });

  it('refuses an https → http downgrade, naming both URLs redacted', () => {
    const error = refusal(() =>
      redirectRequest(post('https://api.example.com/a?api_key=k1'), 301, 'http://api.example.com/a?token=t'),
    );
    expect(error.code).toBe('HTTP_REDIRECT');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('https://api.example.com/a?api_key=***');
    expect(error.message).toContain('http://api.example.com/a?token=***');
    expect(error.message).toContain('downgrade');
  });

  it('refuses to carry a body holding a secret to another origin', () => {
    const request = { ...post('https://auth.example.com/token'), body: `client_secret=${SECRET}` };
    expect(redirectRequest(request, 307, '/token2').body).toBe(`client_secret=${SECRET}`);
    const error = refusal(() => redirectRequest(request, 307, 'https://evil.example.net/token'));
    expect(error.code).toBe('HTTP_REDIRECT');
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses targets that are not http(s) and Locations that are not URLs', () => {
    expect(refusal(() => redirectRequest(post('http://h/a'), 302, 'file:///etc/passwd')).code).toBe(
      'HTTP_REDIRECT',
    );
    expect(refusal(() => redirectRequest(post('http://h/a'), 302, 'http://[bad')).code).toBe('HTTP_REDIRECT');
  });
});

describe('which responses and origins', () => {
  it('follows 301, 302, 303, 307 and 308 with a Location only', () => {
    expect([300, 301, 302, 303, 304, 307, 308].map((s) => isFollowedRedirect(s, '/x'))).toEqual([
      false,
      true,
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(isFollowedRedirect(302, undefined)).toBe(false);
    expect(isFollowedRedirect(302, ' ')).toBe(false);
  });

  it('compares scheme, host and port', () => {
    const u = (s: string) => new URL(s);
    expect(keepsCredentials(u('https://a.example/x'), u('https://a.example:443/y'))).toBe(true);
    expect(keepsCredentials(u('https://a.example/x'), u('https://b.example/x'))).toBe(false);
    expect(keepsCredentials(u('http://a.example:8080/x'), u('https://a.example:8443/x'))).toBe(false);
  });

  it('trusts the base URL origin, and an absolute endpoint path chosen in the config', () => {
    expect(
      credentialOrigins('https://api.example.com/v1', 'tasks', 'https://api.example.com/v1/tasks'),
    ).toEqual(['https://api.example.com']);
    expect(
      credentialOrigins(
        'https://api.example.com',
        'https://files.example.com/x',
        'https://files.example.com/x',
      ),
    ).toEqual(['https://api.example.com', 'https://files.example.com']);
  });
});
