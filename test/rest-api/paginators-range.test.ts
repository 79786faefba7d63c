import { describe, expect, it } from 'vitest';
import type { RouteRequest } from '../support/recording-server.js';
import { records, useRestApiHarness } from './rest-api-harness.js';

/** Reference §3 offset and page_number stop rules (§9 scenarios 4–5, pitfalls #1401, #4429). */
describe('offset and page_number paginators', () => {
  const h = useRestApiHarness();
  const ITEMS = records(25);
  /** `GET /items` serving ITEMS by offset/limit with `extra` fields in the body. */
  const offsetApi = (extra: (r: RouteRequest) => Record<string, unknown> = () => ({ total: ITEMS.length })) =>
    h.serve({
      'GET /items': (r) => {
        const offset = Number(r.query.get('offset') ?? 0);
        const limit = Number(r.query.get('limit') ?? 10);
        return { body: { data: ITEMS.slice(offset, offset + limit), ...extra(r) } };
      },
    });
  const offsetRun = (url: string, paginator: Record<string, unknown>) =>
    h.run({
      client: { base_url: url },
      resources: [
        { name: 'items', endpoint: { data_selector: 'data', paginator: { type: 'offset', ...paginator } } },
      ],
    });
  const count = async () => (await h.query('SELECT count(*) AS n FROM rest_dataset.items'))[0]?.n;

  describe('offset', () => {
    it('walks offsets 0, 10, 20 for total 25 and limit 10, sending limit every time', async () => {
      const api = await offsetApi();
      await offsetRun(api.url, { limit: 10 });
      expect(api.calls()).toEqual([
        'GET /items?offset=0&limit=10',
        'GET /items?offset=10&limit=10',
        'GET /items?offset=20&limit=10',
      ]);
      expect(await count()).toBe(25);
    });

    it('accepts a numeric string total', async () => {
      const api = await offsetApi(() => ({ total: '20' }));
      await offsetRun(api.url, { limit: 10 });
      expect(api.calls()).toEqual(['GET /items?offset=0&limit=10', 'GET /items?offset=10&limit=10']);
    });

    it('fails on a total that is not a number', async () => {
      const api = await offsetApi(() => ({ total: 'invalid' }));
      const error = await h.failure({
        client: { base_url: api.url },
        resources: [
          { name: 'items', endpoint: { data_selector: 'data', paginator: { type: 'offset', limit: 10 } } },
        ],
      });
      expect(error.code).toBe('PAGINATION');
      expect(error.message).toContain('invalid');
      expect(api.requests).toHaveLength(1);
      expect(await h.loadCount()).toBe(0);
    });

    it('fails when an explicit total_path is missing from a non-empty page', async () => {
      const api = await offsetApi(() => ({}));
      const error = await h.failure({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              data_selector: 'data',
              paginator: { type: 'offset', limit: 10, total_path: 'meta.total' },
            },
          },
        ],
      });
      expect(error.code).toBe('PAGINATION');
      expect(error.message).toContain('meta.total');
      expect(api.requests).toHaveLength(1);
    });

    it('keeps paging to an empty page when the default total is missing (Tributary extension, dlt#4429)', async () => {
      const api = await offsetApi(() => ({}));
      await offsetRun(api.url, { limit: 10 });
      expect(api.calls()).toEqual([
        'GET /items?offset=0&limit=10',
        'GET /items?offset=10&limit=10',
        'GET /items?offset=20&limit=10',
        'GET /items?offset=30&limit=10',
      ]);
      expect(await count()).toBe(25);
    });

    it('stops before maximum_offset, which is exclusive', async () => {
      const api = await offsetApi(() => ({}));
      await offsetRun(api.url, { limit: 5, maximum_offset: 10, total_path: null });
      expect(api.calls()).toEqual(['GET /items?offset=0&limit=5', 'GET /items?offset=5&limit=5']);
      expect(await count()).toBe(10);
    });

    it('stops at once on an empty page, without reading the total', async () => {
      const api = await h.serve({ 'GET /items': () => ({ body: { data: [] } }) });
      await offsetRun(api.url, { limit: 10 });
      expect(api.calls()).toEqual(['GET /items?offset=0&limit=10']);
    });

    it('lets has_more "true" continue past the total, until has_more is false', async () => {
      const api = await offsetApi((r) => ({
        total: 5,
        has_more: Number(r.query.get('offset')) < 20 ? 'true' : false,
      }));
      await offsetRun(api.url, { limit: 10, has_more_path: 'has_more' });
      expect(api.calls()).toEqual([
        'GET /items?offset=0&limit=10',
        'GET /items?offset=10&limit=10',
        'GET /items?offset=20&limit=10',
      ]);
    });

    it('fails on a has_more value that is not a boolean word', async () => {
      const api = await offsetApi(() => ({ has_more: 'invalid' }));
      const error = await h.failure({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              data_selector: 'data',
              paginator: { type: 'offset', limit: 10, total_path: null, has_more_path: 'has_more' },
            },
          },
        ],
      });
      expect(error.code).toBe('PAGINATION');
      expect(api.requests).toHaveLength(1);
    });

    it('starts at the configured offset with custom param names', async () => {
      const api = await h.serve({
        'GET /items': (r) => {
          const skip = Number(r.query.get('skip'));
          return { body: { data: ITEMS.slice(skip, skip + 10), count: 25 } };
        },
      });
      await offsetRun(api.url, {
        limit: 10,
        offset: 15,
        offset_param: 'skip',
        limit_param: 'take',
        total_path: 'count',
      });
      expect(api.calls()).toEqual(['GET /items?skip=15&take=10']);
      expect(await count()).toBe(10);
    });

    it('refuses a paginator that can never stop, before any request', async () => {
      const api = await offsetApi();
      const error = await h.failure({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              paginator: { type: 'offset', limit: 10, total_path: null, stop_after_empty_page: false },
            },
          },
        ],
      });
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('stop_after_empty_page');
      expect(api.requests).toHaveLength(0);
    });

    it('writes offset and limit into the JSON body of a POST with body paths', async () => {
      const api = await h.serve({
        'POST /search': ({ body }) => {
          const { paging } = JSON.parse(body) as { paging: { from: number; size: number } };
          return {
            body: { data: ITEMS.slice(0, 12).slice(paging.from, paging.from + paging.size), total: 12 },
          };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: 'search',
              method: 'POST',
              json: { q: 'fake' },
              paginator: {
                type: 'offset',
                limit: 10,
                offset_body_path: 'paging.from',
                limit_body_path: 'paging.size',
              },
            },
          },
        ],
      });
      expect(api.calls()).toEqual(['POST /search', 'POST /search']);
      expect(api.requests.map((r) => JSON.parse(r.body))).toEqual([
        { q: 'fake', paging: { from: 0, size: 10 } },
        { q: 'fake', paging: { from: 10, size: 10 } },
      ]);
      expect(await count()).toBe(12);
    });
  });

  describe('page_number', () => {
    const pageApi = (totalPages: number | undefined) =>
      h.serve({
        'GET /items': (r) => {
          const page = Number(r.query.get('page'));
          const data = page >= 1 && page <= 3 ? ITEMS.slice((page - 1) * 2, page * 2) : [];
          return { body: totalPages === undefined ? { data } : { data, total_pages: totalPages } };
        },
      });
    const pageRun = (url: string, paginator: Record<string, unknown>) =>
      h.run({
        client: { base_url: url },
        resources: [
          {
            name: 'items',
            endpoint: { data_selector: 'data', paginator: { type: 'page_number', ...paginator } },
          },
        ],
      });

    it('walks pages 1, 2, 3 from base_page 1 up to total_path pages', async () => {
      const api = await pageApi(3);
      await pageRun(api.url, { base_page: 1, total_path: 'total_pages' });
      expect(api.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2', 'GET /items?page=3']);
      expect(await count()).toBe(6);
    });

    it('stops before maximum_page, which is exclusive', async () => {
      const api = await pageApi(undefined);
      await pageRun(api.url, { base_page: 1, maximum_page: 3, total_path: null });
      expect(api.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2']);
    });

    it('stops on an empty page', async () => {
      const api = await pageApi(undefined);
      await pageRun(api.url, { base_page: 1, page: 2, total_path: null });
      expect(api.calls()).toEqual(['GET /items?page=2', 'GET /items?page=3', 'GET /items?page=4']);
      expect(await count()).toBe(4);
    });

    it('starts at base_page 0 by default and reads "total" as pages', async () => {
      const api = await h.serve({
        'GET /items': (r) => ({ body: { data: [{ id: Number(r.query.get('page')) }], total: 2 } }),
      });
      await pageRun(api.url, {});
      expect(api.calls()).toEqual(['GET /items?page=0', 'GET /items?page=1']);
    });

    it('writes the page into the JSON body of a POST with page_body_path', async () => {
      const api = await h.serve({
        'POST /search': ({ body }) => {
          const { page } = JSON.parse(body) as { page: number };
          return { body: { data: page <= 2 ? [{ id: page }] : [] } };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: 'search',
              method: 'POST',
              paginator: { type: 'page_number', base_page: 1, page_body_path: 'page', total_path: null },
            },
          },
        ],
      });
      expect(api.requests.map((r) => r.body)).toEqual(['{"page":1}', '{"page":2}', '{"page":3}']);
      expect(api.requests.every((r) => r.query === '')).toBe(true);
    });
  });
});
