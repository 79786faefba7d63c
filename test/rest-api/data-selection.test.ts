import { describe, expect, it } from 'vitest';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §4: which records an explicit data_selector picks from a page. */
const CASES: Array<{ name: string; selector: string | null; body: unknown; ids: number[] }> = [
  {
    name: 'a dotted path to a list',
    selector: 'results.posts',
    body: { results: { posts: [{ id: 1 }, { id: 2 }] } },
    ids: [1, 2],
  },
  { name: 'a hyphenated key', selector: 'many-results', body: { 'many-results': [{ id: 3 }] }, ids: [3] },
  {
    name: 'a wildcard, every match a record',
    selector: '$.data[*]',
    body: { data: [{ id: 4 }, { id: 5 }] },
    ids: [4, 5],
  },
  { name: 'a single object, wrapped as one record', selector: 'item', body: { item: { id: 6 } }, ids: [6] },
  { name: 'the root "$" of an object, one record', selector: '$', body: { id: 7, tags: [] }, ids: [7] },
  {
    name: 'a path that matches nothing, an empty page',
    selector: 'missing',
    body: { data: [{ id: 8 }] },
    ids: [],
  },
  { name: 'a null value, an empty page', selector: 'data', body: { data: null }, ids: [] },
  {
    name: 'no selector: the first list under a well-known key',
    selector: null,
    body: { meta: { tags: [{ id: 90 }] }, items: [{ id: 9 }] },
    ids: [9],
  },
  {
    name: 'no selector: otherwise the first list found',
    selector: null,
    body: { meta: { page: 1 }, things: [{ id: 10 }], other: [{ id: 11 }] },
    ids: [10],
  },
];

describe('data_selector', () => {
  const h = useRestApiHarness();

  it.each(CASES)('selects $name', async ({ selector, body, ids }) => {
    const api = await h.serve({ 'GET /items': () => ({ body }) });
    await h.run({
      client: { base_url: api.url },
      resources: [{ name: 'items', endpoint: { data_selector: selector, paginator: 'single_page' } }],
    });
    expect(api.calls()).toEqual(['GET /items']);
    const tables = await h.tables();
    const loaded = tables.includes('items') ? (await h.rows('items', 'id')).map((r) => r.id) : [];
    expect(loaded).toEqual(ids);
  });

  it('lets a resource data_selector null override the defaults one, falling back to detection', async () => {
    const api = await h.serve({
      'GET /a': () => ({ body: { data: [{ id: 1 }] } }),
      'GET /b': () => ({ body: { results: [{ id: 2 }], data: 'not a list' } }),
    });
    await h.run({
      client: { base_url: api.url },
      resource_defaults: { endpoint: { data_selector: 'data', paginator: 'single_page' } },
      resources: ['a', { name: 'b', endpoint: { data_selector: null } }],
    });
    expect((await h.rows('a', 'id')).map((r) => r.id)).toEqual([1]);
    expect((await h.rows('b', 'id')).map((r) => r.id)).toEqual([2]);
  });
});
