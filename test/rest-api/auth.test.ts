import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest, RouteRequest } from '../support/recording-server.js';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §2: what each auth type puts on the requests, and where credentials come from. */
describe('auth on requests', () => {
  const h = useRestApiHarness();
  const basic = (pair: string) => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  const itemsOnly = { 'GET /items': () => ({ body: [{ id: 1 }] }) };

  const CASES: Array<{
    name: string;
    auth: unknown;
    query: string;
    header?: [string, string];
    keeps?: string;
  }> = [
    {
      name: 'api_key goes raw into the Authorization header by default',
      auth: { type: 'api_key', api_key: 'FAKE-KEY-0001' },
      query: 'limit=5',
      header: ['authorization', 'FAKE-KEY-0001'],
    },
    {
      name: 'api_key goes into a named header',
      auth: { type: 'api_key', name: 'X-API-Key', api_key: 'FAKE-KEY-0002' },
      query: 'limit=5',
      header: ['x-api-key', 'FAKE-KEY-0002'],
      keeps: 'authorization',
    },
    {
      name: 'api_key with location query is appended after the other params',
      auth: { type: 'api_key', name: 'api_key', api_key: 'FAKE KEY+3', location: 'query' },
      query: 'limit=5&api_key=FAKE+KEY%2B3',
      keeps: 'authorization',
    },
    {
      name: 'api_key with location param is a query param too',
      auth: { type: 'api_key', name: 'key', api_key: 'FAKE-KEY-0004', location: 'param' },
      query: 'limit=5&key=FAKE-KEY-0004',
    },
    {
      name: 'api_key with location cookie is sent as a cookie (documented difference)',
      auth: { type: 'api_key', name: 'sid', api_key: 'FAKE-KEY-0005', location: 'cookie' },
      query: 'limit=5',
      header: ['cookie', 'sid=FAKE-KEY-0005'],
    },
    {
      name: 'bearer replaces a client Authorization header',
      auth: { type: 'bearer', token: 'FAKE-TOKEN-0006' },
      query: 'limit=5',
      header: ['authorization', 'Bearer FAKE-TOKEN-0006'],
    },
    {
      name: 'a dict without type is bearer',
      auth: { token: 'FAKE-TOKEN-0007' },
      query: 'limit=5',
      header: ['authorization', 'Bearer FAKE-TOKEN-0007'],
    },
    {
      name: 'http_basic sends base64 of user:password',
      auth: { type: 'http_basic', username: 'fake-user', password: 'fake:pässword' },
      query: 'limit=5',
      header: ['authorization', basic('fake-user:fake:pässword')],
    },
  ];

  it.each(CASES)('$name', async ({ auth, query, header, keeps }) => {
    const api = await h.serve(itemsOnly);
    await h.run({
      client: { base_url: api.url, headers: { Authorization: 'user-set' }, auth },
      resources: [{ name: 'items', endpoint: { params: { limit: 5 } } }],
    });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests as [RecordedRequest];
    expect(request.query).toBe(query);
    if (header) expect(request.headers[header[0]]).toBe(header[1]);
    if (keeps) expect(request.headers[keeps]).toBe('user-set');
  });

  it('lets an endpoint auth replace the client auth, and auth null remove it', async () => {
    const api = await h.serve({
      'GET /a': () => ({ body: [{ id: 1 }] }),
      'GET /b': () => ({ body: [{ id: 2 }] }),
      'GET /c': () => ({ body: [{ id: 3 }] }),
    });
    await h.run({
      client: { base_url: api.url, auth: { type: 'bearer', token: 'FAKE-CLIENT-TOKEN' } },
      resources: [
        'a',
        { name: 'b', endpoint: { auth: { type: 'api_key', name: 'X-Key', api_key: 'FAKE-ENDPOINT-KEY' } } },
        { name: 'c', endpoint: { auth: null } },
      ],
    });
    const [a, b, c] = api.requests as [RecordedRequest, RecordedRequest, RecordedRequest];
    expect(api.calls()).toEqual(['GET /a', 'GET /b', 'GET /c']);
    expect(a.headers.authorization).toBe('Bearer FAKE-CLIENT-TOKEN');
    expect(b.headers.authorization).toBeUndefined();
    expect(b.headers['x-key']).toBe('FAKE-ENDPOINT-KEY');
    expect(c.headers.authorization).toBeUndefined();
    expect(c.headers['x-key']).toBeUndefined();
  });

  it.each([
    { variable: 'SOURCES__REST_API__CREDENTIALS__API_KEY', auth: 'api_key', header: 'FAKE-ENV-KEY' },
    {
      variable: 'SOURCES__REST_API__REST_API__CREDENTIALS__API_KEY',
      auth: 'api_key',
      header: 'FAKE-ENV-KEY',
    },
    { variable: 'CREDENTIALS__TOKEN', auth: 'bearer', header: 'Bearer FAKE-ENV-KEY' },
  ])('resolves auth "$auth" from $variable', async ({ variable, auth, header }) => {
    const api = await h.serve(itemsOnly);
    await h.run(
      { client: { base_url: api.url, auth }, resources: ['items'] },
      { env: { [variable]: 'FAKE-ENV-KEY' } },
    );
    expect(api.requests[0]?.headers.authorization).toBe(header);
  });

  it('prefers the most specific credentials variable', async () => {
    const api = await h.serve(itemsOnly);
    await h.run(
      { client: { base_url: api.url, auth: 'api_key' }, resources: ['items'] },
      {
        env: {
          CREDENTIALS__API_KEY: 'FAKE-LEAST-SPECIFIC',
          SOURCES__REST_API__CREDENTIALS__API_KEY: 'FAKE-LESS-SPECIFIC',
          SOURCES__REST_API__REST_API__CREDENTIALS__API_KEY: 'FAKE-MOST-SPECIFIC',
        },
      },
    );
    expect(api.requests[0]?.headers.authorization).toBe('FAKE-MOST-SPECIFIC');
  });

  it('completes a partial auth dict from .dlt/secrets.toml', async () => {
    const api = await h.serve(itemsOnly);
    await mkdir(join(h.paths().dir, '.dlt'), { recursive: true });
    await writeFile(
      join(h.paths().dir, '.dlt', 'secrets.toml'),
      '[sources.rest_api.credentials]\npassword = "fake-toml-password"\n',
    );
    await h.run({
      client: { base_url: api.url, auth: { type: 'http_basic', username: 'fake-user' } },
      resources: ['items'],
    });
    expect(api.requests[0]?.headers.authorization).toBe(basic('fake-user:fake-toml-password'));
  });

  describe('oauth2_client_credentials', () => {
    /** A token endpoint handing out fake-token-1, -2, … and `GET /items` with 3 pages. */
    const oauthApi = async (options: {
      expiresIn?: number;
      items?: (r: RouteRequest) => { status: number } | undefined;
      afterPage?: (page: number) => void;
    }) => {
      let issued = 0;
      return h.serve({
        'POST /oauth/token': () => {
          issued++;
          const body: Record<string, unknown> = {
            access_token: `fake-token-${issued}`,
            token_type: 'bearer',
          };
          if (options.expiresIn !== undefined) body.expires_in = options.expiresIn;
          return { body };
        },
        'GET /items': (r) => {
          const refused = options.items?.(r);
          if (refused) return { status: refused.status, body: { error: 'unauthorized' } };
          const page = Number(r.query.get('page'));
          options.afterPage?.(page);
          return { body: { data: [{ id: page }], total_pages: 3 } };
        },
      });
    };
    const oauthConfig = (url: string, extra: Record<string, unknown> = {}) => ({
      client: {
        base_url: url,
        auth: {
          type: 'oauth2_client_credentials',
          access_token_url: `${url}/oauth/token`,
          client_id: 'fake-client',
          client_secret: 'fake-secret',
          ...extra,
        },
        paginator: { type: 'page_number', base_page: 1, total_path: 'total_pages' },
      },
      resources: ['items'],
    });
    const authHeaders = (requests: RecordedRequest[]) =>
      requests.filter((r) => r.path === '/items').map((r) => r.headers.authorization);

    it('fetches one token with a form POST and uses it for every page', async () => {
      const api = await oauthApi({ expiresIn: 3600 });
      await h.run(oauthConfig(api.url, { access_token_request_data: { scope: 'read' } }));
      expect(api.calls()).toEqual([
        'POST /oauth/token',
        'GET /items?page=1',
        'GET /items?page=2',
        'GET /items?page=3',
      ]);
      const token = api.requests[0] as RecordedRequest;
      expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(token.body).toBe(
        'client_id=fake-client&client_secret=fake-secret&grant_type=client_credentials&scope=read',
      );
      expect(authHeaders(api.requests)).toEqual(Array(3).fill('Bearer fake-token-1'));
      expect(await h.rows('items', 'id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    });

    it('fetches a new token once after a 401 and repeats the refused request', async () => {
      const api = await oauthApi({
        items: (r) =>
          r.headers.authorization === 'Bearer fake-token-1' && r.query.get('page') === '2'
            ? { status: 401 }
            : undefined,
      });
      await h.run(oauthConfig(api.url));
      expect(api.calls()).toEqual([
        'POST /oauth/token',
        'GET /items?page=1',
        'GET /items?page=2',
        'POST /oauth/token',
        'GET /items?page=2',
        'GET /items?page=3',
      ]);
      expect(authHeaders(api.requests)).toEqual([
        'Bearer fake-token-1',
        'Bearer fake-token-1',
        'Bearer fake-token-2',
        'Bearer fake-token-2',
      ]);
    });

    it('fails after one refresh when the API keeps answering 401', async () => {
      const api = await oauthApi({ items: () => ({ status: 401 }) });
      const error = await h.failure(oauthConfig(api.url));
      expect(error.code).toBe('HTTP_STATUS');
      expect(error.message).toContain('401');
      expect(error.message).not.toContain('fake-secret');
      expect(error.message).not.toContain('fake-token');
      expect(api.calls()).toEqual([
        'POST /oauth/token',
        'GET /items?page=1',
        'POST /oauth/token',
        'GET /items?page=1',
      ]);
      expect(await h.loadCount()).toBe(0);
    });

    it('authenticates to the token endpoint with Basic and no secret in the body with client_secret_basic', async () => {
      const api = await oauthApi({});
      await h.run(oauthConfig(api.url, { client_auth_method: 'client_secret_basic' }));
      const token = api.requests[0] as RecordedRequest;
      expect(token.headers.authorization).toBe(basic('fake-client:fake-secret'));
      expect(token.body).not.toContain('fake-secret');
      expect(token.body).not.toContain('client_secret');
      expect(new URLSearchParams(token.body).get('grant_type')).toBe('client_credentials');
    });

    it.each([
      { name: 'expires_in', expiresIn: 100 as number | undefined, extra: {} },
      { name: 'default_token_expiration', expiresIn: undefined, extra: { default_token_expiration: 100 } },
    ])('fetches a new token once the $name has passed', async ({ expiresIn, extra }) => {
      let clock = Date.now();
      const api = await oauthApi({
        ...(expiresIn === undefined ? {} : { expiresIn }),
        afterPage: (page) => {
          clock += page === 1 ? 50_000 : 60_000;
        },
      });
      await h.run(oauthConfig(api.url, extra), { runtime: { now: () => clock } });
      expect(api.calls()).toEqual([
        'POST /oauth/token',
        'GET /items?page=1',
        'GET /items?page=2',
        'POST /oauth/token',
        'GET /items?page=3',
      ]);
      expect(authHeaders(api.requests)).toEqual([
        'Bearer fake-token-1',
        'Bearer fake-token-1',
        'Bearer fake-token-2',
      ]);
    });

    it('retries the token request on a 503 like any other request', async () => {
      let tokenCalls = 0;
      const api = await h.serve({
        'POST /oauth/token': () =>
          ++tokenCalls === 1
            ? { status: 503, body: {} }
            : { body: { access_token: 'fake-token-1', expires_in: 3600 } },
        'GET /items': () => ({ body: { data: [{ id: 1 }], total_pages: 1 } }),
      });
      const config = oauthConfig(api.url);
      await h.run({ ...config, client: { ...config.client, retry: { backoff_factor: 0.001 } } });
      expect(api.calls()).toEqual(['POST /oauth/token', 'POST /oauth/token', 'GET /items?page=1']);
      expect(api.requests[2]?.headers.authorization).toBe('Bearer fake-token-1');
    });

    it('fails when the token endpoint refuses, without showing the client secret', async () => {
      const api = await h.serve({
        'POST /oauth/token': () => ({ status: 400, body: { error: 'invalid_client' } }),
        'GET /items': () => ({ body: [{ id: 1 }] }),
      });
      const error = await h.failure(oauthConfig(api.url));
      expect(error.message).toContain('400');
      expect(error.message).not.toContain('fake-secret');
      expect(api.calls()).toEqual(['POST /oauth/token']);
    });
  });
});
