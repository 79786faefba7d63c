import { describe, expect, it } from 'vitest';
import { records, useRestApiHarness } from './rest-api-harness.js';

/** Reference §1 expansion and §9 scenarios 1–2: which requests a config turns into. */
describe('rest_api config expansion and paginator precedence', () => {
  const h = useRestApiHarness();

  it('expands string, string-endpoint and endpoint-less resources to name and path', async () => {
    const api = await h.serve({
      'GET /tasks': () => ({ body: [{ id: 1 }] }),
      'GET /p': () => ({ body: [{ id: 2 }] }),
      'GET /r2': () => ({ body: [{ id: 3 }] }),
      'GET /r3': () => ({ body: [{ id: 4 }] }),
    });
    await h.run({
      client: { base_url: api.url },
      resources: ['tasks', { name: 'r1', endpoint: 'p' }, { name: 'r2' }, { name: 'r3', endpoint: {} }],
    });
    expect(api.calls()).toEqual(['GET /tasks', 'GET /p', 'GET /r2', 'GET /r3']);
    expect(await h.rows('tasks', 'id')).toEqual([{ id: 1 }]);
    expect(await h.rows('r1', 'id')).toEqual([{ id: 2 }]);
    expect(await h.rows('r2', 'id')).toEqual([{ id: 3 }]);
    expect(await h.rows('r3', 'id')).toEqual([{ id: 4 }]);
  });

  it('joins base_url and path with one slash and uses an absolute path verbatim', async () => {
    const other = await h.serve({ 'GET /elsewhere': () => ({ body: [{ id: 2 }] }) });
    const api = await h.serve({ 'GET /api/items': () => ({ body: [{ id: 1 }] }) });
    await h.run({
      client: { base_url: `${api.url}/api/` },
      resources: [
        { name: 'items', endpoint: '/items' },
        { name: 'remote', endpoint: `${other.url}/elsewhere?x=1` },
      ],
    });
    expect(api.calls()).toEqual(['GET /api/items']);
    expect(other.calls()).toEqual(['GET /elsewhere?x=1']);
  });

  it('merges resource params over default params one level deep, keeping the defaults order', async () => {
    const api = await h.serve({
      'GET /a': () => ({ body: [{ id: 1 }] }),
      'GET /b': () => ({ body: [{ id: 2 }] }),
    });
    await h.run({
      client: { base_url: api.url },
      resource_defaults: { endpoint: { params: { p1: 'X', p3: 'Y' } } },
      resources: [{ name: 'a', endpoint: { params: { p1: 'A', p2: 'B' } } }, { name: 'b' }],
    });
    expect(api.calls()).toEqual(['GET /a?p1=A&p3=Y&p2=B', 'GET /b?p1=X&p3=Y']);
  });

  it('replaces a defaults paginator wholesale with the resource paginator', async () => {
    const items = records(3);
    const api = await h.serve({
      'GET /items': ({ query }) => {
        const page = Number(query.get('page'));
        return { body: page <= 2 ? items.slice(page - 1, page) : [] };
      },
    });
    await h.run({
      client: { base_url: api.url },
      resource_defaults: { endpoint: { paginator: { type: 'offset', limit: 1, total_path: null } } },
      resources: [
        { name: 'items', endpoint: { paginator: { type: 'page_number', base_page: 1, total_path: null } } },
      ],
    });
    expect(api.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2', 'GET /items?page=3']);
    expect(await h.rows('items', 'id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('uses the client paginator when the resource has none', async () => {
    const api = await h.serve({
      'GET /items': ({ query }) => ({ body: query.get('page') === '1' ? records(2) : [] }),
    });
    await h.run({
      client: { base_url: api.url, paginator: { type: 'page_number', base_page: 1, total_path: null } },
      resources: ['items'],
    });
    expect(api.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2']);
  });

  it('discards a defaults paginator when the endpoint sets paginator null, falling back to the client one', async () => {
    const api = await h.serve({
      'GET /items': ({ query }) => ({ body: query.get('page') === '1' ? records(2) : [] }),
    });
    await h.run({
      client: { base_url: api.url, paginator: { type: 'page_number', base_page: 1, total_path: null } },
      resource_defaults: { endpoint: { paginator: { type: 'offset', limit: 5, total_path: null } } },
      resources: [{ name: 'items', endpoint: { paginator: null } }],
    });
    expect(api.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2']);
  });

  it('does not let endpoint paginator "auto" override a client paginator', async () => {
    const api = await h.serve({
      'GET /items': ({ query }) => ({ body: query.get('page') === '1' ? records(2) : [] }),
    });
    await h.run({
      client: { base_url: api.url, paginator: { type: 'page_number', base_page: 1, total_path: null } },
      resources: [{ name: 'items', endpoint: { paginator: 'auto' } }],
    });
    expect(api.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2']);
  });

  it('fetches a single-entity child path once per parent record, over a client paginator, as one record', async () => {
    const api = await h.serve({
      'GET /users': ({ query }) => ({
        body: { total_pages: 1, data: query.get('page') === '1' ? [{ id: 1 }, { id: 2 }] : [] },
      }),
      'GET /user/:id': ({ params }) => ({
        body: { id: Number(params.id), name: `user ${params.id}`, data: [{ x: 1 }, { x: 2 }] },
      }),
    });
    await h.run({
      client: {
        base_url: api.url,
        paginator: { type: 'page_number', base_page: 1, total_path: 'total_pages' },
      },
      resources: [
        { name: 'users', endpoint: { data_selector: 'data' } },
        { name: 'user', endpoint: 'user/{resources.users.id}' },
      ],
    });
    expect(api.calls()).toEqual(['GET /users?page=1', 'GET /user/1', 'GET /user/2']);
    expect(await h.rows('user', 'id, name')).toEqual([
      { id: 1, name: 'user 1' },
      { id: 2, name: 'user 2' },
    ]);
  });

  it('keeps a defaults paginator on a single-entity path', async () => {
    const api = await h.serve({
      'GET /users': () => ({ body: [{ id: 7 }] }),
      'GET /user/:id': ({ params, query }) => ({
        body: query.get('page') === '1' ? [{ id: Number(params.id), part: 1 }] : [],
      }),
    });
    await h.run({
      client: { base_url: api.url },
      resource_defaults: {
        endpoint: { paginator: { type: 'page_number', base_page: 1, total_path: null } },
      },
      resources: [
        { name: 'users', endpoint: { paginator: 'single_page' } },
        { name: 'user', endpoint: 'user/{resources.users.id}' },
      ],
    });
    expect(api.calls()).toEqual(['GET /users', 'GET /user/7?page=1', 'GET /user/7?page=2']);
    expect(await h.rows('user', 'id, part')).toEqual([{ id: 7, part: 1 }]);
  });

  it('treats a placeholder in the query of the last segment as single-entity over a client paginator (dlt#2586)', async () => {
    const api = await h.serve({ 'GET /trips': () => ({ body: { data: [{ id: 1 }], total_pages: 5 } }) });
    await h.run({
      client: {
        base_url: api.url,
        paginator: { type: 'page_number', base_page: 1, total_path: 'total_pages' },
      },
      resources: [
        { name: 'trips', endpoint: { path: 'trips?filter[route]={route_id}', params: { route_id: 'r1' } } },
      ],
    });
    expect(api.calls()).toEqual(['GET /trips?filter%5Broute%5D=r1']);
  });

  it('gives every resource a fresh copy of the client paginator', async () => {
    const api = await h.serve({
      'GET /a': ({ query }) => ({ body: query.get('page') === '1' ? [{ id: 1 }] : [] }),
      'GET /b': ({ query }) => ({ body: query.get('page') === '1' ? [{ id: 2 }] : [] }),
    });
    await h.run({
      client: { base_url: api.url, paginator: { type: 'page_number', base_page: 1, total_path: null } },
      resources: ['a', 'b'],
    });
    expect(api.calls()).toEqual(['GET /a?page=1', 'GET /a?page=2', 'GET /b?page=1', 'GET /b?page=2']);
  });

  it('replaces the defaults processing_steps with the resource ones instead of merging', async () => {
    const api = await h.serve({ 'GET /items': () => ({ body: [{ id: 1 }, { id: 2 }] }) });
    await h.run({
      client: { base_url: api.url },
      resource_defaults: { processing_steps: [{ filter: (r: { id: number }) => r.id === 1 }] },
      resources: [
        { name: 'items', processing_steps: [{ map: (r: { id: number }) => ({ ...r, seen: true }) }] },
      ],
    });
    expect(await h.rows('items', 'id, seen')).toEqual([
      { id: 1, seen: true },
      { id: 2, seen: true },
    ]);
  });

  it('loads into table_name instead of the resource name', async () => {
    const api = await h.serve({ 'GET /issues': () => ({ body: [{ id: 1 }] }) });
    await h.run({
      client: { base_url: api.url },
      resources: [{ name: 'issues', table_name: 'gh_issues' }],
    });
    expect(await h.tables()).toContain('gh_issues');
    expect(await h.tables()).not.toContain('issues');
    expect(await h.rows('gh_issues', 'id')).toEqual([{ id: 1 }]);
  });

  it('substitutes a static path param and drops it from the query', async () => {
    const api = await h.serve({ 'GET /orgs/:org/repos': ({ params }) => ({ body: [{ org: params.org }] }) });
    await h.run({
      client: { base_url: api.url },
      resources: [
        { name: 'repos', endpoint: { path: 'orgs/{org}/repos', params: { org: 'fake-org', per: 5 } } },
      ],
    });
    expect(api.calls()).toEqual(['GET /orgs/fake-org/repos?per=5']);
  });

  it('refuses a duplicate resource name before any request', async () => {
    const api = await h.serve({});
    const error = await h.failure({ client: { base_url: api.url }, resources: ['a', { name: 'a' }] });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('"a" is already defined');
    expect(api.requests).toHaveLength(0);
  });
});
