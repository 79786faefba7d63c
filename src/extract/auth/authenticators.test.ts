import { describe, expect, it } from 'vitest';
import { buildHttpRequest, joinUrl, type RequestSpec } from '../http/request-spec.js';
import { createAuthenticator } from './create-authenticator.js';

const spec = (): RequestSpec => ({
  method: 'GET',
  url: 'http://127.0.0.1:9/v1/tasks',
  params: { limit: 100, offset: 0, skip: null, flag: true, ids: [1, 2] },
  headers: { Authorization: 'user-set' },
});

describe('auth and request building', () => {
  it('appends a query api_key after the other params, encoded like requests does', () => {
    const req = buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'api_key', name: 'api_key', api_key: 'fake key+1', location: 'query' }),
    );
    expect(req.url).toBe(
      'http://127.0.0.1:9/v1/tasks?limit=100&offset=0&flag=True&ids=1&ids=2&api_key=fake+key%2B1',
    );
  });

  it('puts an api_key in the Authorization header by default, without prefix', () => {
    const req = buildHttpRequest(spec(), createAuthenticator({ type: 'api_key', api_key: 'fake-key' }));
    expect(req.headers.Authorization).toBe('fake-key');
  });

  it('sends an api_key cookie', () => {
    const req = buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'api_key', name: 'sid', api_key: 'fake', location: 'cookie' }),
    );
    expect(req.headers.cookie).toBe('sid=fake');
  });

  it('replaces a configured Authorization header with bearer or basic auth', () => {
    const bearer = buildHttpRequest(spec(), createAuthenticator({ type: 'bearer', token: 'fake-token' }));
    expect(bearer.headers).toMatchObject({ Authorization: 'Bearer fake-token' });
    const basic = buildHttpRequest(
      spec(),
      createAuthenticator({ type: 'http_basic', username: 'ü', password: 'fake:pw' }),
    );
    expect(basic.headers.Authorization).toBe(`Basic ${Buffer.from('ü:fake:pw').toString('base64')}`);
    expect(Object.keys(basic.headers).filter((k) => k.toLowerCase() === 'authorization')).toHaveLength(1);
  });

  it('joins base URL and path with exactly one slash; absolute paths win', () => {
    expect(joinUrl('http://h/api/', '/v1/tasks')).toBe('http://h/api/v1/tasks');
    expect(joinUrl('http://h/api', 'v1')).toBe('http://h/api/v1');
    expect(joinUrl('http://h', 'https://other/x')).toBe('https://other/x');
  });

  it('sends a JSON body with bigints exact', () => {
    const req = buildHttpRequest({ ...spec(), method: 'POST', json: { id: 2n ** 64n } });
    expect(req.body).toBe('{"id":18446744073709551616}');
    expect(req.headers['content-type']).toBe('application/json');
  });
});
