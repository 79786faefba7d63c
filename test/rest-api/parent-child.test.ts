import { describe, expect, it } from 'vitest';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §5 parent/child resources and §7 processing_steps (§9 scenario 8). */
describe('parent and child resources', () => {
  const h = useRestApiHarness();
  const ISSUES = [
    { id: 1, title: 'first', state: 'open', author: { id: 7 } },
    { id: 2, title: 'second', state: 'closed', author: { id: 8 } },
    { id: 3, title: 'third', state: 'open', author: { id: 9 } },
  ];
  const issuesApi = () =>
    h.serve({
      'GET /issues': () => ({ body: ISSUES }),
      'GET /issues/:id/comments': ({ params, query }) => ({
        body: [
          {
            id: Number(params.id) * 10,
            body: `on ${params.id}`,
            author: query.get('author'),
            _issues_id: 999,
          },
        ],
      }),
    });

  it('puts parent fields into path and params and copies include_from_parent fields into child rows', async () => {
    const api = await issuesApi();
    await h.run({
      client: { base_url: api.url },
      resources: [
        'issues',
        {
          name: 'comments',
          endpoint: {
            path: 'issues/{resources.issues.id}/comments',
            params: { author: '{resources.issues.author.id}' },
          },
          include_from_parent: ['id', 'title'],
        },
      ],
    });
    expect(api.calls()).toEqual([
      'GET /issues',
      'GET /issues/1/comments?author=7',
      'GET /issues/2/comments?author=8',
      'GET /issues/3/comments?author=9',
    ]);
    expect(await h.rows('comments', 'id, author, _issues_id, _issues_title')).toEqual([
      { id: 10, author: '7', _issues_id: 1, _issues_title: 'first' },
      { id: 20, author: '8', _issues_id: 2, _issues_title: 'second' },
      { id: 30, author: '9', _issues_id: 3, _issues_title: 'third' },
    ]);
    expect(await h.rows('issues', 'id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('binds a legacy resolve param in the path', async () => {
    const api = await issuesApi();
    await h.run({
      client: { base_url: api.url },
      resources: [
        'issues',
        {
          name: 'comments',
          endpoint: {
            path: 'issues/{issue_id}/comments',
            params: { issue_id: { type: 'resolve', resource: 'issues', field: 'id' }, per_page: 5 },
          },
        },
      ],
    });
    expect(api.calls().slice(1)).toEqual([
      'GET /issues/1/comments?per_page=5',
      'GET /issues/2/comments?per_page=5',
      'GET /issues/3/comments?per_page=5',
    ]);
  });

  it('paginates the child afresh for every parent record', async () => {
    const api = await h.serve({
      'GET /issues': () => ({ body: ISSUES.slice(0, 2) }),
      'GET /issues/:id/comments': ({ params, query }) => {
        const page = Number(query.get('page'));
        return { body: page <= 2 ? [{ id: Number(params.id) * 10 + page }] : [] };
      },
    });
    await h.run({
      client: { base_url: api.url },
      resources: [
        'issues',
        {
          name: 'comments',
          endpoint: {
            path: 'issues/{resources.issues.id}/comments',
            paginator: { type: 'page_number', base_page: 1, total_path: null },
          },
        },
      ],
    });
    expect(api.calls()).toEqual([
      'GET /issues',
      'GET /issues/1/comments?page=1',
      'GET /issues/1/comments?page=2',
      'GET /issues/1/comments?page=3',
      'GET /issues/2/comments?page=1',
      'GET /issues/2/comments?page=2',
      'GET /issues/2/comments?page=3',
    ]);
    expect((await h.rows('comments', 'id')).map((r) => r.id)).toEqual([11, 12, 21, 22]);
  });

  it('fails naming the field when a parent record lacks it, and commits nothing', async () => {
    const api = await issuesApi();
    const error = await h.failure({
      client: { base_url: api.url },
      resources: ['issues', { name: 'comments', endpoint: 'issues/{resources.issues.number}/comments' }],
    });
    expect(error.message).toContain('number');
    expect(error.message).toContain('title');
    expect(api.calls()).toEqual(['GET /issues']);
    expect(await h.loadCount()).toBe(0);
  });

  it('fails when include_from_parent names a field that is not top-level', async () => {
    const api = await issuesApi();
    const error = await h.failure({
      client: { base_url: api.url },
      resources: [
        'issues',
        {
          name: 'comments',
          endpoint: 'issues/{resources.issues.id}/comments',
          include_from_parent: ['author.id'],
        },
      ],
    });
    expect(error.message).toContain('author.id');
    expect(await h.loadCount()).toBe(0);
  });

  it('refuses include_from_parent on a resource without a parent', async () => {
    const api = await issuesApi();
    const error = await h.failure({
      client: { base_url: api.url },
      resources: [{ name: 'issues', include_from_parent: ['id'] }],
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(api.requests).toHaveLength(0);
  });

  it('runs filter, map and yield_map in order, and children see the processed parent records', async () => {
    const api = await h.serve({
      'GET /issues': () => ({ body: ISSUES }),
      'GET /issues/:slug/comments': ({ params }) => ({ body: [{ id: params.slug, words: 'a b' }] }),
    });
    const seen: string[] = [];
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'issues',
          processing_steps: [
            { filter: (r: { state: string }) => r.state === 'open' },
            { map: (r: { id: number; title: string }) => ({ ...r, slug: `${r.title}-${r.id}` }) },
          ],
        },
        {
          name: 'comments',
          endpoint: 'issues/{resources.issues.slug}/comments',
          processing_steps: [
            {
              map: (r: { id: string; words: string }) => {
                seen.push(`map ${r.id}`);
                return r;
              },
              filter: (r: { id: string }) => {
                seen.push(`filter ${r.id}`);
                return true;
              },
              yield_map: (r: { id: string; words: string }) =>
                r.words.split(' ').map((w) => ({ id: r.id, word: w })),
            },
          ],
        },
      ],
    });
    expect(api.calls()).toEqual([
      'GET /issues',
      'GET /issues/first-1/comments',
      'GET /issues/third-3/comments',
    ]);
    expect(await h.rows('issues', 'id, slug')).toEqual([
      { id: 1, slug: 'first-1' },
      { id: 3, slug: 'third-3' },
    ]);
    expect(await h.query('SELECT id, word FROM rest_dataset.comments ORDER BY id, word')).toEqual([
      { id: 'first-1', word: 'a' },
      { id: 'first-1', word: 'b' },
      { id: 'third-3', word: 'a' },
      { id: 'third-3', word: 'b' },
    ]);
    expect(seen).toEqual(['filter first-1', 'map first-1', 'filter third-3', 'map third-3']);
  });

  it('lets child processing steps see the include_from_parent fields', async () => {
    const api = await issuesApi();
    await h.run({
      client: { base_url: api.url },
      resources: [
        'issues',
        {
          name: 'comments',
          endpoint: 'issues/{resources.issues.id}/comments',
          include_from_parent: ['title'],
          processing_steps: [
            { filter: (r: { _issues_title?: string }) => r._issues_title !== 'second' },
            { map: (r: { _issues_title?: string }) => ({ ...r, label: `on ${String(r._issues_title)}` }) },
          ],
        },
      ],
    });
    expect(await h.rows('comments', 'id, label, _issues_title')).toEqual([
      { id: 10, label: 'on first', _issues_title: 'first' },
      { id: 30, label: 'on third', _issues_title: 'third' },
    ]);
  });

  it('does not load a parent with selected false, but still loads its children', async () => {
    const api = await issuesApi();
    await h.run({
      client: { base_url: api.url },
      resources: [
        { name: 'issues', selected: false },
        { name: 'comments', endpoint: 'issues/{resources.issues.id}/comments' },
      ],
    });
    expect(api.calls()).toHaveLength(4);
    const tables = await h.tables();
    expect(tables).toContain('comments');
    expect(tables).not.toContain('issues');
    expect(await h.query('SELECT count(*) AS n FROM rest_dataset.comments')).toEqual([{ n: 3 }]);
  });

  it.each([
    {
      nesting: 0,
      tables: ['items'],
      json: [
        { table_name: 'items', column_name: 'events' },
        { table_name: 'items', column_name: 'meta' },
        { table_name: 'items', column_name: 'tags' },
      ],
    },
    {
      nesting: 1,
      tables: ['items', 'items__events', 'items__tags'],
      json: [{ table_name: 'items__events', column_name: 'sub' }],
    },
  ])('keeps nesting below max_table_nesting $nesting in JSON columns', async ({ nesting, tables, json }) => {
    const api = await h.serve({
      'GET /items': () => ({
        body: [{ id: 1, meta: { a: 1 }, tags: ['x', 'y'], events: [{ kind: 'k', sub: [1, 2] }] }],
      }),
    });
    await h.run({
      client: { base_url: api.url },
      resources: [{ name: 'items', max_table_nesting: nesting }],
    });
    expect((await h.tables()).filter((t) => !t.startsWith('_dlt'))).toEqual(tables);
    const jsonColumns = await h.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'rest_dataset' AND data_type = 'JSON' ORDER BY table_name, column_name`,
    );
    expect(jsonColumns).toEqual(json);
  });
});
