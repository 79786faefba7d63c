import { describe, expect, it } from 'vitest';
import type { RouteRequest, RouteResponse } from '../support/recording-server.js';
import { useRestApiHarness } from './rest-api-harness.js';

/**
 * Reference §3 auto-detection and §4 selector detection (§9 scenario 3): with no paginator and no
 * data_selector, the first response decides, and the requests that follow show what was detected.
 */
interface DetectionCase {
  name: string;
  /** Answers `GET /items`; `url` is the server's base URL, for absolute links. */
  respond: (request: RouteRequest, url: string) => RouteResponse;
  requests: string[];
  ids: number[];
}

const page = (request: RouteRequest) => request.query.get('page') ?? request.query.get('cursor') ?? '1';

const CASES: DetectionCase[] = [
  {
    name: 'follows "next" holding a URL (json_link) and selects "results"',
    respond: (r, url) =>
      page(r) === '1'
        ? { body: { count: 3, next: `${url}/items?page=2`, previous: null, results: [{ id: 1 }, { id: 2 }] } }
        : { body: { count: 3, next: null, previous: `${url}/items`, results: [{ id: 3 }] } },
    requests: ['GET /items', 'GET /items?page=2'],
    ids: [1, 2, 3],
  },
  {
    name: 'follows a HAL _links.next.href and selects _embedded.items',
    respond: (r, url) =>
      page(r) === '1'
        ? { body: { _links: { next: { href: `${url}/items?page=2` } }, _embedded: { items: [{ id: 1 }] } } }
        : { body: { _links: {}, _embedded: { items: [{ id: 2 }] } } },
    requests: ['GET /items', 'GET /items?page=2'],
    ids: [1, 2],
  },
  {
    name: 'sends an opaque next_cursor back as "cursor"',
    respond: (r) =>
      r.query.get('cursor') === null
        ? { body: { data: [{ id: 1 }], next_cursor: 'eyJmYWtlIjoxfQ' } }
        : { body: { data: [{ id: 2 }], next_cursor: null } },
    requests: ['GET /items', 'GET /items?cursor=eyJmYWtlIjoxfQ'],
    ids: [1, 2],
  },
  {
    name: 'sends a numeric next_id back as "cursor"',
    respond: (r) =>
      r.query.get('cursor') === null
        ? { body: { data: [{ id: 1 }], next_id: 33 } }
        : { body: { data: [{ id: 33 }], next_id: null } },
    requests: ['GET /items', 'GET /items?cursor=33'],
    ids: [1, 33],
  },
  {
    name: 'walks pages up to pagination.totalPages, sending no page on the first request',
    respond: (r) => ({
      body: { data: [{ id: Number(r.query.get('page') ?? 0) + 1 }], pagination: { totalPages: 2 } },
    }),
    requests: ['GET /items', 'GET /items?page=1'],
    ids: [1, 2],
  },
  {
    name: 'never detects offset: pagination {offset, limit, total} is a single page',
    respond: () => ({
      body: { data: [{ id: 1 }, { id: 2 }], pagination: { offset: 0, limit: 2, total: 10 } },
    }),
    requests: ['GET /items'],
    ids: [1, 2],
  },
  {
    name: 'treats paging {total} as a single page',
    respond: () => ({ body: { data: [{ id: 1 }], paging: { total: 40 } } }),
    requests: ['GET /items'],
    ids: [1],
  },
  {
    name: 'takes a bare list as the records of a single page',
    respond: () => ({ body: [{ id: 1 }, { id: 2 }, { id: 3 }] }),
    requests: ['GET /items'],
    ids: [1, 2, 3],
  },
  {
    name: 'follows the Link header of a bare list (header_link)',
    respond: (r, url) =>
      page(r) === '1'
        ? {
            headers: { link: `<${url}/items?page=2>; rel="next", <${url}/items?page=2>; rel="last"` },
            body: [{ id: 1 }],
          }
        : { body: [{ id: 2 }] },
    requests: ['GET /items', 'GET /items?page=2'],
    ids: [1, 2],
  },
  {
    name: 'takes a bare object as one record',
    respond: () => ({ body: { id: 9, name: 'only' } }),
    requests: ['GET /items'],
    ids: [9],
  },
  {
    name: 'does not detect @odata.nextLink',
    respond: (r, url) => ({
      body: { value: [{ id: Number(page(r)) }], '@odata.nextLink': `${url}/items?page=2` },
    }),
    requests: ['GET /items'],
    ids: [1],
  },
];

describe('paginator and data selector auto-detection', () => {
  const h = useRestApiHarness();

  it.each(CASES)('$name', async ({ respond, requests, ids }) => {
    let base = '';
    const api = await h.serve({ 'GET /items': (request) => respond(request, base) });
    base = api.url;
    await h.run({ client: { base_url: api.url }, resources: ['items'] });
    expect(api.calls()).toEqual(requests);
    expect((await h.rows('items', 'id')).map((r) => r.id)).toEqual(ids);
  });

  it('detects once per child record: each parent record gets its own walk', async () => {
    let base = '';
    const api = await h.serve({
      'GET /posts': () => ({ body: [{ id: 1 }, { id: 2 }] }),
      'GET /posts/:id/comments': ({ params, query }) =>
        query.get('page') === null
          ? {
              body: {
                results: [{ id: Number(params.id) * 10 }],
                next: `${base}/posts/${params.id}/comments?page=2`,
              },
            }
          : { body: { results: [{ id: Number(params.id) * 10 + 1 }], next: null } },
    });
    base = api.url;
    await h.run({
      client: { base_url: api.url },
      resources: ['posts', { name: 'comments', endpoint: 'posts/{resources.posts.id}/comments' }],
    });
    expect(api.calls()).toEqual([
      'GET /posts',
      'GET /posts/1/comments',
      'GET /posts/1/comments?page=2',
      'GET /posts/2/comments',
      'GET /posts/2/comments?page=2',
    ]);
    expect((await h.rows('comments', 'id')).map((r) => r.id)).toEqual([10, 11, 20, 21]);
  });
});
