import { describe, expect, it } from 'vitest';
import { buildHttpRequest, joinUrl, type RequestSpec } from '../http/request-spec.js';
import { type AuthDeps, createAuthenticator } from './create-authenticator.js';

/** Auth types other than OAuth2 make no requests of their own. */
const deps: AuthDeps = { http: undefined as never, now: Date.now, resource: 'r' };

const spec = (): RequestSpec => ({
  method: 'GET',
  url: 'http://127.0.0.1:9/v1/tasks',
  params: { limit: 100, offset: 0, skip: null, flag: true, ids: [1, 2] },
  headers: { Authorization: 'user-set' },
});

describe('auth and request building', async () => {
  it('appends a query api_key after the other params, encoded like requests does', async () => {
    const req = await buildHttpRequest(
      spec(),
      createAuthenticator(
        { type: 'api_key', name: 'api_key', api_key: 'fake key+1', location: 'query' },
        deps,
      ),
    );
    expect(req.url).toBe(
      'http://127.0.0.1:9/v1/tasks?limit=100&offset=0&flag=True&ids=1&ids=2&api_key=fake+key%2B1',
    );
  });

  it('puts an api_key in the Authorization header by default, without prefix', async () => {
    const req = await buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'api_key', api_key: 'fake-key' }, deps),
    );
    expect(req.headers.Authorization).toBe('fake-key');
  });

  it('sends an api_key cookie', async () => {
    const req = await buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'api_key', name: 'sid', api_key: 'fake', location: 'cookie' }, deps),
    );
    expect(req.headers.cookie).toBe('sid=fake');
  });

  it('replaces a configured Authorization header with bearer or basic auth', async () => {
    const bearer = await buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'bearer', token: 'fake-token' }, deps),
    );
    expect(bearer.headers).toMatchObject({ Authorization: 'Bearer fake-token' });
    const basic = await buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'http_basic', username: 'ü', password: 'fake:pw' }, deps),
    );
    expect(basic.headers.Authorization).toBe(`Basic ${Buffer.from('ü:fake:pw').toString('base64')}`);
    expect(Object.keys(basic.headers).filter((k) => k.toLowerCase() === 'authorization')).toHaveLength(1);
  });

  it('joins base URL and path with exactly one slash; absolute paths win', async () => {
    expect(joinUrl('http://h/api/', '/v1/tasks')).toBe('http://h/api/v1/tasks');
    expect(joinUrl('http://h/api', 'v1')).toBe('http://h/api/v1');
    expect(joinUrl('http://h', 'https://other/x')).toBe('https://other/x');
  });

  it('sends a JSON body with bigints exact', async () => {
    const req = await buildHttpRequest({ ...spec(), method: 'POST', json: { id: 2n ** 64n } });
    expect(req.body).toBe('{"id":18446744073709551616}');
    expect(req.headers['content-type']).toBe('application/json');
  });
});

describe('a query written in the path', () => {
  it('is kept as written, with only [ and ] encoded, and params and auth follow it', async () => {
    const req = await buildHttpRequest(
      {
        method: 'GET',
        url: 'http://h/items?fields=id,name&filter[state]=open&q=a%20b:c',
        params: { limit: 5 },
        headers: {},
      },
      createAuthenticator({ type: 'api_key', name: 'api_key', api_key: 'fake', location: 'query' }, deps),
    );
    expect(req.url).toBe(
      'http://h/items?fields=id,name&filter%5Bstate%5D=open&q=a%20b:c&limit=5&api_key=fake',
    );
  });
});
