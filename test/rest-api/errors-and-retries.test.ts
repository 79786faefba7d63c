import { describe, expect, it } from 'vitest';
import type { RouteResponse } from '../support/recording-server.js';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §8 retry policy and redaction (§9 scenario 10, pitfalls #2856, #1474, #4036). */
describe('errors, redaction and retries', () => {
  const h = useRestApiHarness();

  describe('secrets in error text', () => {
    const KEY = 'FAKE-SECRET-KEY-1111';
    const TOKEN = 'FAKE-SECRET-TOKEN-2222';
    /** Answers 401; with `echo` the body repeats the secrets it was sent, as some APIs do. */
    const refusing = (echo = false) =>
      h.serve({
        'GET /items': () => ({
          status: 401,
          body: echo ? { error: `bad key ${KEY}`, token: TOKEN } : { error: 'unauthorized' },
        }),
      });
    const failWith = (url: string, actions?: unknown[]) =>
      h.failure({
        client: {
          base_url: url,
          auth: { type: 'api_key', name: 'api_key', api_key: KEY, location: 'query' },
        },
        resources: [
          {
            name: 'items',
            endpoint: {
              params: { token: TOKEN, page: 1 },
              ...(actions ? { response_actions: actions } : {}),
            },
          },
        ],
      });
    const ACTIONS = [
      { name: 'without response actions', actions: undefined },
      {
        name: 'with response actions configured (dlt leaks here; Tributary does not)',
        actions: [{ status_code: 404, action: 'ignore' }],
      },
    ];

    it.each(ACTIONS)(
      'shows api_key and token query params as *** in the error URL $name',
      async ({ actions }) => {
        const api = await refusing();
        const error = await failWith(api.url, actions);
        expect(error.code).toBe('HTTP_STATUS');
        expect(error.message).toContain('401');
        expect(error.message).toContain(`${api.url}/items?token=***&page=1&api_key=***`);
        expect(error.message).not.toContain(KEY);
        expect(error.message).not.toContain(TOKEN);
        expect(JSON.stringify(error.context)).not.toContain(KEY);
        expect(JSON.stringify(error.context)).not.toContain(TOKEN);
        expect(api.requests[0]?.query).toBe(`token=${TOKEN}&page=1&api_key=${KEY}`);
      },
    );

    it.each(ACTIONS)(
      'keeps secrets a response body echoes out of the error text $name',
      async ({ actions }) => {
        const api = await refusing(true);
        const error = await failWith(api.url, actions);
        expect(error.message).toContain('401');
        expect(error.message).not.toContain(KEY);
        expect(error.message).not.toContain(TOKEN);
      },
    );

    it('reports request URLs in events with api_key and token as ***', async () => {
      const api = await h.serve({ 'GET /items': () => ({ body: [{ id: 1 }] }) });
      const urls: string[] = [];
      await h.run(
        {
          client: {
            base_url: api.url,
            auth: { type: 'api_key', name: 'api_key', api_key: KEY, location: 'query' },
          },
          resources: [{ name: 'items', endpoint: { params: { token: TOKEN, page: 1 } } }],
        },
        { runtime: { emit: (e) => (e.type === 'request' ? urls.push(e.url) : undefined) } },
      );
      expect(urls).toEqual([`${api.url}/items?token=***&page=1&api_key=***`]);
    });

    it('hides a resolved secret sent under a param name outside the redaction list', async () => {
      const api = await refusing();
      const error = await h.failure({
        client: {
          base_url: api.url,
          auth: { type: 'api_key', name: 'appid', api_key: KEY, location: 'query' },
        },
        resources: ['items'],
      });
      expect(error.message).toContain('401');
      expect(error.message).not.toContain(KEY);
    });

    it('masks auth secrets in validation errors', async () => {
      const api = await h.serve({});
      const error = await h.failure({
        client: { base_url: api.url, auth: { type: 'bearer', token: TOKEN, unknown_key: 1 } },
        resources: ['items'],
      });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('unknown_key');
      expect(error.message).not.toContain(TOKEN);
      expect(api.requests).toHaveLength(0);
    });
  });

  describe('retries', () => {
    /** `GET /items` answering with the given responses in turn, the last one forever. */
    const sequence = (responses: RouteResponse[]) => {
      let n = 0;
      return h.serve({ 'GET /items': () => responses[Math.min(n++, responses.length - 1)] as RouteResponse });
    };
    const ok: RouteResponse = { body: [{ id: 1 }] };
    const status = (code: number, headers: Record<string, string> = {}): RouteResponse => ({
      status: code,
      headers,
      body: { error: `status ${code}` },
    });
    const config = (url: string, retry: Record<string, unknown> = { backoff_factor: 0.001 }) => ({
      client: { base_url: url, retry },
      resources: ['items'],
    });

    it('gives up after 5 attempts in all on a 503 that never clears, with the default policy', async () => {
      const api = await sequence([status(503)]);
      const error = await h.failure(config(api.url));
      expect(error.code).toBe('HTTP_STATUS');
      expect(error.message).toContain('503');
      expect(error.message).toContain('5 attempts');
      expect(api.requests).toHaveLength(5);
      expect(await h.loadCount()).toBe(0);
    });

    it('loads after 503, 503, 200 in 3 requests', async () => {
      const api = await sequence([status(503), status(503), ok]);
      const report = await h.run(config(api.url));
      expect(api.requests).toHaveLength(3);
      expect(report.retries).toBe(2);
      expect(await h.rows('items', 'id')).toEqual([{ id: 1 }]);
    });

    it.each([400, 401, 403, 404, 422])('does not retry a %i', async (code) => {
      const api = await sequence([status(code), ok]);
      const error = await h.failure(config(api.url));
      expect(error.message).toContain(String(code));
      expect(api.requests).toHaveLength(1);
    });

    it('retries every 5xx and 429 by default', async () => {
      const api = await sequence([status(500), status(502), status(504), status(429), ok]);
      await h.run(config(api.url));
      expect(api.requests).toHaveLength(5);
    });

    it('waits as long as Retry-After says on a 429, once', async () => {
      const api = await sequence([status(429, { 'retry-after': '1' }), ok]);
      await h.run(config(api.url));
      expect(api.requests).toHaveLength(2);
      const [first, second] = api.requests;
      const waited = (second?.at ?? 0) - (first?.at ?? 0);
      expect(waited).toBeGreaterThanOrEqual(950);
      expect(waited).toBeLessThan(2500);
    });

    it('treats Retry-After: 0 as no hint and keeps backing off (dlt#4036)', async () => {
      const api = await sequence([status(503, { 'retry-after': '0' }), ok]);
      const events: Array<{ type: string; waitMs?: number }> = [];
      await h.run(config(api.url, { backoff_factor: 0.05 }), { runtime: { emit: (e) => events.push(e) } });
      // The backoff (0.05 s for the first retry) with Tributary's ±20% jitter, not an immediate retry.
      const waits = events.filter((e) => e.type === 'retry').map((e) => e.waitMs ?? 0);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(40);
      expect(waits[0]).toBeLessThanOrEqual(60);
    });

    it('retries a dropped connection like a 5xx', async () => {
      const api = await sequence([{ drop: true }, { drop: true }, ok]);
      const report = await h.run(config(api.url));
      expect(api.requests).toHaveLength(3);
      expect(report.retries).toBe(2);
      expect(await h.rows('items', 'id')).toEqual([{ id: 1 }]);
    });

    it('makes max_retries + 1 attempts with client.retry.max_retries (Tributary extension)', async () => {
      const api = await sequence([status(503)]);
      await h.failure(config(api.url, { max_retries: 1, backoff_factor: 0.001 }));
      expect(api.requests).toHaveLength(2);
    });
  });

  it('fails with a clear error when a page is not JSON, naming the URL', async () => {
    const api = await h.serve({
      'GET /items': () => ({ headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' }),
    });
    const error = await h.failure({ client: { base_url: api.url }, resources: ['items'] });
    expect(error.code).toBe('RESPONSE_INVALID');
    expect(error.message).toContain(`${api.url}/items`);
    expect(api.requests).toHaveLength(1);
  });
});
