import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSecretTemplates } from '../../src/config/secret-templates.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { HttpClient, type HttpRequest } from '../../src/extract/http/http-client.js';
import { retryPolicyFrom } from '../../src/extract/http/retry-policy.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { records, useRestApiHarness } from '../rest-api/rest-api-harness.js';
import type { RecordedRequest } from '../support/recording-server.js';
import { startRawServer } from './hardening-server.js';

/**
 * Issue 9 §2 and §3: credentials stay with their origin (redirects, next links), an https → http
 * downgrade is refused, and hard limits (redirect hops, response size, pages per resource, the
 * per-attempt deadline) end in a clear error instead of a leak, a hang or an exhausted heap.
 */

const h = useRestApiHarness();

const get = (url: string): HttpRequest => ({ method: 'GET', url, headers: {} });

/** A client as the pipeline builds one, with no retries unless asked. */
function client(options: { maxRetries?: number; dispatcher?: Agent } = {}): HttpClient {
  return new HttpClient({
    policy: retryPolicyFrom({ max_retries: options.maxRetries ?? 0, backoff_factor: 0.01 }),
    timeoutMs: 5_000,
    runtime: createRuntime(),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
}

async function failureOf(promise: Promise<unknown>): Promise<TributaryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TributaryError) return error;
    throw error;
  }
  throw new Error('expected a TributaryError');
}

/** Everything a server saw of one request, as one text to search for a key. */
const seen = (request: RecordedRequest | undefined) => JSON.stringify(request ?? {});

describe('redirects', () => {
  it('follows a redirect on the same origin with the credentials', async () => {
    const api = await h.serve({
      'GET /items': () => ({ status: 301, headers: { location: '/v2/items' } }),
      'GET /v2/items': () => ({ body: records(2) }),
    });
    await h.run({
      client: { base_url: api.url, auth: { type: 'bearer', token: 'same-origin-token-1a' } },
      resources: [{ name: 'items', endpoint: { paginator: 'single_page' } }],
    });
    expect(api.calls()).toEqual(['GET /items', 'GET /v2/items']);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer same-origin-token-1a',
      'Bearer same-origin-token-1a',
    ]);
    expect(await h.rows('items', 'id, name')).toEqual([
      { id: 1, name: 'item 1' },
      { id: 2, name: 'item 2' },
    ]);
  });

  const CREDENTIALS: Array<{ name: string; client: Record<string, unknown>; key: string }> = [
    {
      name: 'an api_key header',
      key: 'xorigin-header-key-01',
      client: { auth: { type: 'api_key', name: 'X-API-Key', api_key: 'xorigin-header-key-01' } },
    },
    {
      name: 'an api_key query param',
      key: 'xorigin-query-key-02',
      client: {
        auth: { type: 'api_key', name: 'api_key', api_key: 'xorigin-query-key-02', location: 'query' },
      },
    },
    {
      name: 'a bearer token',
      key: 'xorigin-bearer-03',
      client: { auth: { type: 'bearer', token: 'xorigin-bearer-03' } },
    },
    {
      name: 'basic auth',
      key: Buffer.from('user:xorigin-basic-04').toString('base64'),
      client: { auth: { type: 'http_basic', username: 'user', password: 'xorigin-basic-04' } },
    },
    {
      name: 'an api_key cookie',
      key: 'xorigin-cookie-05',
      client: { auth: { type: 'api_key', name: 'sid', api_key: 'xorigin-cookie-05', location: 'cookie' } },
    },
    {
      name: 'a client header holding a resolved secret',
      key: 'xorigin-secret-header-06',
      client: { headers: { 'X-Token': '{secrets.x_token}' } },
    },
  ];

  it.each(CREDENTIALS)('leaves $name behind on a redirect to another origin', async (c) => {
    const other = await h.serve({ 'GET /items': () => ({ body: records(1) }) });
    const api = await h.serve({
      'GET /items': () => ({ status: 302, headers: { location: `${other.url}/items?from=api` } }),
    });
    const config = {
      client: { base_url: api.url, ...c.client },
      resources: [{ name: 'items', endpoint: { paginator: 'single_page' } }],
    };
    const env = { X_TOKEN: 'xorigin-secret-header-06' };
    await h.run(resolveSecretTemplates(config, { env, projectDir: h.paths().dir }));
    expect(seen(api.requests[0])).toContain(c.key);
    expect(other.calls()).toEqual(['GET /items?from=api']);
    expect(seen(other.requests[0])).not.toContain(c.key);
    expect(other.requests[0]?.headers).not.toHaveProperty('authorization');
    expect(other.requests[0]?.headers).not.toHaveProperty('cookie');
    expect(await h.rows('items', 'id, name')).toEqual([{ id: 1, name: 'item 1' }]);
  });

  it('sends no credentials to a next link on another origin, and keeps them on the API', async () => {
    const KEY = 'next-link-key-07';
    const other = await h.serve({ 'GET /more': () => ({ body: { data: records(1, 3), next: null } }) });
    const api = await h.serve({
      'GET /items': () => ({ body: { data: records(2), next: `${other.url}/more?page=2` } }),
    });
    await h.run({
      client: { base_url: api.url, auth: { type: 'api_key', name: 'key', api_key: KEY, location: 'query' } },
      resources: [{ name: 'items', endpoint: { data_selector: 'data', paginator: 'json_link' } }],
    });
    expect(api.calls()).toEqual([`GET /items?key=${KEY}`]);
    expect(other.calls()).toEqual(['GET /more?page=2']);
    expect(seen(other.requests[0])).not.toContain(KEY);
    expect((await h.rows('items', 'id')).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('turns a POST into a GET without body on 303, and keeps method and body on 307', async () => {
    const api = await h.serve({
      'POST /a': () => ({ status: 303, headers: { location: '/b' } }),
      'GET /b': () => ({ body: { ok: 'b' } }),
      'POST /c': () => ({ status: 307, headers: { location: '/d' } }),
      'POST /d': ({ body }) => ({ body: { echo: body } }),
    });
    const http = client();
    try {
      const post = (path: string) =>
        http.send(
          {
            method: 'POST',
            url: `${api.url}${path}`,
            headers: { 'content-type': 'text/plain' },
            body: 'q=1',
          },
          'r',
        );
      expect((await post('/a')).body.toString()).toBe('{"ok":"b"}');
      expect((await post('/c')).body.toString()).toBe('{"echo":"q=1"}');
      expect(api.requests.map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual([
        'POST /a q=1',
        'GET /b ',
        'POST /c q=1',
        'POST /d q=1',
      ]);
    } finally {
      await http.close();
    }
  });

  it('fails after 30 redirects, naming the limit, without retrying', async () => {
    const api = await h.serve({
      'GET /hop/:n': ({ params }) => ({ status: 302, headers: { location: `/hop/${Number(params.n) + 1}` } }),
    });
    const http = client({ maxRetries: 3 });
    try {
      const error = await failureOf(http.send(get(`${api.url}/hop/0`), 'r'));
      expect(error.code).toBe('HTTP_REDIRECT');
      expect(error.message).toContain('more than 30 redirects');
      expect(error.message).toContain(`${api.url}/hop/0`);
      expect(api.requests).toHaveLength(31);
    } finally {
      await http.close();
    }
  });

  it('fails on a 3xx it cannot follow instead of taking it for data', async () => {
    const api = await h.serve({ 'GET /items': () => ({ status: 302, body: '' }) });
    const error = await h.failure({ client: { base_url: api.url }, resources: ['items'] });
    expect(error.code).toBe('HTTP_REDIRECT');
    expect(error.message).toContain('answered 302');
    expect(await h.loadCount()).toBe(0);
  });

  describe('from https', () => {
    let dir = '';
    let tls: HttpsServer | undefined;
    let tlsUrl = '';
    let target = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tributary-tls-'));
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
        const location = req.url === '/same' ? '/ok' : `${target}/items?api_key=dg-key-08`;
        if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
        else res.writeHead(301, { location }).end();
      });
      await new Promise<void>((resolve) => tls?.listen(0, '127.0.0.1', resolve));
      tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => tls?.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses an https → http downgrade and never calls the http URL', async () => {
      const plain = await h.serve({ 'GET /items': () => ({ body: [] }) });
      target = plain.url;
      const dispatcher = new Agent({ connect: { ca: readFileSync(join(dir, 'cert.pem')) } });
      const http = client({ maxRetries: 3, dispatcher });
      try {
        expect((await http.send(get(`${tlsUrl}/same`), 'r')).url).toBe(`${tlsUrl}/ok`);
        const error = await failureOf(http.send(get(`${tlsUrl}/start?api_key=dg-key-08`), 'r'));
        expect(error.code).toBe('HTTP_REDIRECT');
        expect(error.retryable).toBe(false);
        expect(error.message).toContain(`${tlsUrl}/start?api_key=***`);
        expect(error.message).toContain(`${plain.url}/items?api_key=***`);
        expect(error.message).toContain('https → http downgrade');
        expect(plain.requests).toHaveLength(0);
      } finally {
        await http.close();
        await dispatcher.close();
      }
    });
  });
});

describe('max_response_bytes', () => {
  /** Streams 16 KiB chunks until the client hangs up (at most 64 MiB), with or without a Content-Length. */
  const flood = (announce: boolean) =>
    startRawServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(announce ? { 'content-length': String(64 * 1024 * 1024) } : {}),
      });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 4096 && !res.destroyed && res.write(chunk)) sent++;
        if (sent < 4096 && !res.destroyed) res.once('drain', pump);
      };
      res.write('[');
      pump();
    });

  it.each([
    ['with a Content-Length', true],
    ['chunked, without a Content-Length', false],
  ])('fails fast on a body larger than the limit, %s, and does not retry', async (_name, announce) => {
    const api = await flood(announce);
    try {
      const started = performance.now();
      const error = await h.failure({
        client: { base_url: api.url, max_response_bytes: 64 * 1024, retry: { max_retries: 2 } },
        resources: ['items'],
      });
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
      expect(error.message).toContain(`GET ${api.url}/items failed`);
      expect(error.message).toContain('client.max_response_bytes (64 KiB)');
      expect(error.message).toContain(announce ? 'Content-Length 67108864' : 'the body is larger');
      expect(api.calls).toEqual(['/items']);
      expect(await h.loadCount()).toBe(0);
    } finally {
      await api.close();
    }
  });
});

describe('max_pages', () => {
  /** Cursor pages without end: every page names a new cursor, so only max_pages stops the walk. */
  const endless = () =>
    h.serve({
      'GET /events': ({ query }) => {
        const n = Number(query.get('cursor') ?? 0);
        return { body: { data: [{ id: n }], next: String(n + 1) } };
      },
    });

  it('fails with PAGINATION naming resource and limit when a resource has more pages', async () => {
    const api = await endless();
    const error = await h.failure({
      client: { base_url: api.url, max_pages: 3 },
      resources: [{ name: 'events', endpoint: { paginator: { type: 'cursor', cursor_path: 'next' } } }],
    });
    expect(error.code).toBe('PAGINATION');
    expect(error.message).toContain('resource events');
    expect(error.message).toContain('max_pages 3');
    expect(api.calls()).toEqual(['GET /events', 'GET /events?cursor=1', 'GET /events?cursor=2']);
    expect(await h.loadCount()).toBe(0);
  });

  it('counts pages per walk: per parent record, with the endpoint limit over the client one', async () => {
    const api = await h.serve({
      'GET /issues': () => ({ body: records(2) }),
      'GET /issues/:id/comments': ({ params, query }) => {
        const page = Number(query.get('page'));
        return { body: { data: page < 3 ? [{ id: Number(params.id) * 10 + page }] : [] } };
      },
    });
    await h.run({
      client: { base_url: api.url, max_pages: 1 },
      resources: [
        { name: 'issues', endpoint: { paginator: 'single_page' } },
        {
          name: 'comments',
          endpoint: {
            path: 'issues/{resources.issues.id}/comments',
            data_selector: 'data',
            max_pages: 3,
            paginator: { type: 'page_number', base_page: 1, total_path: null, stop_after_empty_page: true },
          },
        },
      ],
    });
    expect((await h.rows('comments', 'id')).map((r) => r.id)).toEqual([11, 12, 21, 22]);
    expect(api.calls().filter((call) => call.includes('comments'))).toHaveLength(6);
  });

  it('does not request pages beyond the limit when pages are fetched concurrently', async () => {
    const all = records(20);
    const api = await h.serve({
      'GET /items': ({ query }) => {
        const offset = Number(query.get('offset'));
        return { body: { data: all.slice(offset, offset + 2), total: all.length } };
      },
    });
    const error = await failureOf(
      runPipeline(
        h.source({
          client: { base_url: api.url, max_pages: 4 },
          resources: [
            { name: 'items', endpoint: { data_selector: 'data', paginator: { type: 'offset', limit: 2 } } },
          ],
        }),
        {
          pipelineName: 'rest',
          destination: new DuckDbDestination(h.paths().file),
          workingDir: h.paths().workingDir,
          concurrency: 4,
        },
      ),
    );
    expect(error.code).toBe('PAGINATION');
    expect(error.message).toContain('max_pages 4');
    expect(api.requests.map((r) => r.query).sort()).toEqual([
      'offset=0&limit=2',
      'offset=2&limit=2',
      'offset=4&limit=2',
      'offset=6&limit=2',
    ]);
  });
});

describe('per-attempt deadline', () => {
  it('cuts a server that drips one byte a second, retries, then fails with HTTP_TIMEOUT', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const api = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let left = 10;
      const drip = setInterval(() => {
        if (res.destroyed || left-- === 0) {
          clearInterval(drip);
          res.end();
        } else res.write(' ');
      }, 1_000);
      timers.add(drip);
      res.write('[');
    });
    try {
      const started = performance.now();
      const error = await h.failure({
        client: { base_url: api.url, timeout: 1.2, retry: { max_retries: 1, backoff_factor: 0.05 } },
        resources: ['items'],
      });
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(error.code).toBe('HTTP_TIMEOUT');
      expect(error.message).toBe(
        `GET ${api.url}/items failed: no complete response within 1.2 s after 2 attempts`,
      );
      expect(api.calls).toEqual(['/items', '/items']);
      expect(await h.loadCount()).toBe(0);
    } finally {
      for (const timer of timers) clearInterval(timer);
      await api.close();
    }
  });
});
