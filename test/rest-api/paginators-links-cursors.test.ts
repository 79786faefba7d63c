import { describe, expect, it } from 'vitest';
import { records, useRestApiHarness } from './rest-api-harness.js';

/** Reference §3 stop rules of json_link, header_link, cursor, header_cursor and single_page (§9 scenarios 6–7). */
describe('link and cursor paginators', () => {
  const h = useRestApiHarness();
  const ids = async (table = 'items') => (await h.rows(table, 'id')).map((r) => r.id);

  describe('json_link', () => {
    it('follows next_url_path until the link is null', async () => {
      let base = '';
      const api = await h.serve({
        'GET /items': ({ query }) => {
          const p = Number(query.get('page') ?? 1);
          return {
            body: { data: [{ id: p }], paging: { next: p < 3 ? `${base}/items?page=${p + 1}` : null } },
          };
        },
      });
      base = api.url;
      await h.run({
        client: { base_url: api.url },
        resources: [
          { name: 'items', endpoint: { paginator: { type: 'json_link', next_url_path: 'paging.next' } } },
        ],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?page=2', 'GET /items?page=3']);
      expect(await ids()).toEqual([1, 2, 3]);
    });

    it('stops when the next link is absent', async () => {
      let base = '';
      const api = await h.serve({
        'GET /items': ({ query }) =>
          query.get('page') === null
            ? { body: { data: [{ id: 1 }], next: `${base}/items?page=2` } }
            : { body: { data: [{ id: 2 }] } },
      });
      base = api.url;
      await h.run({
        client: { base_url: api.url },
        resources: [{ name: 'items', endpoint: { paginator: 'json_link' } }],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?page=2']);
    });

    it('drops the original params on the next request, so a param in the link appears once', async () => {
      let base = '';
      const api = await h.serve({
        'GET /items': ({ query }) =>
          query.get('page') === null
            ? { body: { data: [{ id: 1 }], next: `${base}/items?param1=a&page=2` } }
            : { body: { data: [{ id: 2 }], next: null } },
      });
      base = api.url;
      await h.run({
        client: {
          base_url: api.url,
          auth: { type: 'api_key', name: 'api_key', api_key: 'FAKE-KEY-0000', location: 'query' },
        },
        resources: [{ name: 'items', endpoint: { params: { param1: 'a' }, paginator: 'json_link' } }],
      });
      expect(api.calls()).toEqual([
        'GET /items?param1=a&api_key=FAKE-KEY-0000',
        'GET /items?param1=a&page=2&api_key=FAKE-KEY-0000',
      ]);
    });

    it('resolves a relative next link against the request URL', async () => {
      const api = await h.serve({
        'GET /api/v1/items': ({ query }) => {
          const p = query.get('page');
          if (p === null) return { body: { data: [{ id: 1 }], next: 'items?page=2' } };
          if (p === '2') return { body: { data: [{ id: 2 }], next: '/api/v1/items?page=3' } };
          return { body: { data: [{ id: 3 }], next: null } };
        },
      });
      await h.run({
        client: { base_url: `${api.url}/api/v1/` },
        resources: [{ name: 'items', endpoint: { path: 'items', paginator: 'json_link' } }],
      });
      expect(api.calls()).toEqual([
        'GET /api/v1/items',
        'GET /api/v1/items?page=2',
        'GET /api/v1/items?page=3',
      ]);
    });
  });

  it('json_link follows a key dots cannot name with a bracket next_url_path (dlt#2505)', async () => {
    let base = '';
    const api = await h.serve({
      'GET /items': ({ query }) =>
        query.get('$skip') === null
          ? { body: { value: [{ id: 1 }], '@odata.nextLink': `${base}/items?$skip=1` } }
          : { body: { value: [{ id: 2 }] } },
    });
    base = api.url;
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'items',
          endpoint: { paginator: { type: 'json_link', next_url_path: "['@odata.nextLink']" } },
        },
      ],
    });
    expect(api.calls()).toEqual(['GET /items', 'GET /items?$skip=1']);
    expect(await ids()).toEqual([1, 2]);
  });

  describe('header_link', () => {
    it('follows the Link rel="next" target until the header has none', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) => {
          const p = Number(query.get('page') ?? 1);
          const links = [`</items?page=1>; rel="first"`];
          if (p < 3) links.push(`</items?page=${p + 1}>; rel="next"`);
          return { headers: { Link: links.join(', ') }, body: [{ id: p }] };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [{ name: 'items', endpoint: { params: { per_page: 1 }, paginator: 'header_link' } }],
      });
      expect(api.calls()).toEqual(['GET /items?per_page=1', 'GET /items?page=2', 'GET /items?page=3']);
      expect(await ids()).toEqual([1, 2, 3]);
    });

    it('follows a custom links_next_key', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) =>
          query.get('p') === null
            ? { headers: { link: '</items?p=2>; rel="forward"' }, body: [{ id: 1 }] }
            : { body: [{ id: 2 }] },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          { name: 'items', endpoint: { paginator: { type: 'header_link', links_next_key: 'forward' } } },
        ],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?p=2']);
    });
  });

  describe('cursor', () => {
    it('sends no cursor first, then the body cursor, and stops on an empty-string cursor', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) => {
          const c = query.get('cursor');
          if (c === null) return { body: { data: [{ id: 1 }], cursors: { next: 'c2' } } };
          if (c === 'c2') return { body: { data: [{ id: 2 }], cursors: { next: '' } } };
          return { body: { data: [{ id: 99 }], cursors: { next: null } } };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [{ name: 'items', endpoint: { paginator: 'cursor' } }],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?cursor=c2']);
      expect(await ids()).toEqual([1, 2]);
    });

    it('stops when has_more is false even with a cursor present', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) =>
          query.get('after') === null
            ? { body: { data: [{ id: 1 }], next: 'n2', has_more: true } }
            : { body: { data: [{ id: 2 }], next: 'n3', has_more: 'false' } },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              paginator: {
                type: 'cursor',
                cursor_path: 'next',
                cursor_param: 'after',
                has_more_path: 'has_more',
              },
            },
          },
        ],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?after=n2']);
    });

    it('continues past an empty page while has_more is true', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) => {
          const c = query.get('cursor');
          if (c === null) return { body: { data: [{ id: 1 }], next: 'n2', has_more: true } };
          if (c === 'n2') return { body: { data: [], next: 'n3', has_more: true } };
          return { body: { data: [{ id: 3 }], next: null, has_more: false } };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              data_selector: 'data',
              paginator: { type: 'cursor', cursor_path: 'next', has_more_path: 'has_more' },
            },
          },
        ],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?cursor=n2', 'GET /items?cursor=n3']);
      expect(await ids()).toEqual([1, 3]);
    });

    it('fails with a PAGINATION error when has_more_path is missing from the response', async () => {
      const api = await h.serve({ 'GET /items': () => ({ body: { data: [{ id: 1 }], next: 'n2' } }) });
      const error = await h.failure({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: { paginator: { type: 'cursor', cursor_path: 'next', has_more_path: 'has_more' } },
          },
        ],
      });
      expect(error.code).toBe('PAGINATION');
      expect(error.message).toContain('has_more');
      expect(api.requests).toHaveLength(1);
    });

    it('treats null data on the final page as an empty page and stops on the null cursor', async () => {
      const api = await h.serve({
        'GET /users': ({ query }) => {
          const t = query.get('next_token');
          if (t === null) return { body: { users: records(10), next_token: 't2' } };
          if (t === 't2') return { body: { users: records(4, 11), next_token: 't3' } };
          return { body: { users: null, next_token: null } };
        },
      });
      const report = await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'users',
            endpoint: {
              data_selector: 'users',
              paginator: { type: 'cursor', cursor_path: 'next_token', cursor_param: 'next_token' },
            },
          },
        ],
      });
      expect(api.calls()).toEqual(['GET /users', 'GET /users?next_token=t2', 'GET /users?next_token=t3']);
      expect(report.resources.find((r) => r.name === 'users')).toMatchObject({ pages: 3, records: 14 });
      expect(await h.query('SELECT count(*) AS n FROM rest_dataset.users')).toEqual([{ n: 14 }]);
    });

    it('writes the cursor into the JSON body of a POST with cursor_body_path', async () => {
      const api = await h.serve({
        'POST /search': ({ body }) => {
          const cursor = (JSON.parse(body) as { page?: { after?: string } }).page?.after;
          return cursor === undefined
            ? { body: { hits: [{ id: 1 }], next: 'a2' } }
            : { body: { hits: [{ id: 2 }], next: null } };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'hits',
            endpoint: {
              path: 'search',
              method: 'POST',
              json: { q: 'fake' },
              paginator: { type: 'cursor', cursor_path: 'next', cursor_body_path: 'page.after' },
            },
          },
        ],
      });
      expect(api.requests.map((r) => r.body)).toEqual(['{"q":"fake"}', '{"q":"fake","page":{"after":"a2"}}']);
      expect(api.calls()).toEqual(['POST /search', 'POST /search']);
    });

    it('sends initial_cursor on the first request (Tributary extension)', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) =>
          query.get('cursor') === '*'
            ? { body: { data: [{ id: 1 }], next: 'n2' } }
            : { body: { data: [{ id: 2 }], next: null } },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: { paginator: { type: 'cursor', cursor_path: 'next', initial_cursor: '*' } },
          },
        ],
      });
      expect(api.calls()).toEqual(['GET /items?cursor=*', 'GET /items?cursor=n2']);
    });
  });

  describe('header_cursor', () => {
    it('sends the cursor header back as the cursor param until the header is absent, matching its name in any case', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) => {
          const c = query.get('page_token');
          if (c === null) return { headers: { 'x-next-page': 'tok2' }, body: [{ id: 1 }] };
          if (c === 'tok2') return { headers: { 'X-Next-Page': 'tok3' }, body: [{ id: 2 }] };
          return { body: [{ id: 3 }] };
        },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              paginator: { type: 'header_cursor', cursor_key: 'X-NEXT-PAGE', cursor_param: 'page_token' },
            },
          },
        ],
      });
      expect(api.calls()).toEqual(['GET /items', 'GET /items?page_token=tok2', 'GET /items?page_token=tok3']);
      expect(await ids()).toEqual([1, 2, 3]);
    });

    it('uses header "next" and param "cursor" by default, and initial_cursor first', async () => {
      const api = await h.serve({
        'GET /items': ({ query }) =>
          query.get('cursor') === '0'
            ? { headers: { next: 'n1' }, body: [{ id: 1 }] }
            : { body: [{ id: 2 }] },
      });
      await h.run({
        client: { base_url: api.url },
        resources: [{ name: 'items', endpoint: { paginator: { type: 'header_cursor', initial_cursor: 0 } } }],
      });
      expect(api.calls()).toEqual(['GET /items?cursor=0', 'GET /items?cursor=n1']);
    });
  });

  describe('single_page', () => {
    it('makes one request even when the body links a next page', async () => {
      const api = await h.serve({
        'GET /items': () => ({ body: { data: [{ id: 1 }], next: '/items?page=2', total: 99 } }),
      });
      await h.run({
        client: { base_url: api.url },
        resources: [{ name: 'items', endpoint: { paginator: 'single_page' } }],
      });
      expect(api.calls()).toEqual(['GET /items']);
      expect(await ids()).toEqual([1]);
    });
  });
});
