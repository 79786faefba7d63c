import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useRestApiHarness } from './rest-api-harness.js';

interface Issue {
  id: number;
  title: string;
  updated_at: string;
}

/**
 * End to end (reference §5, §6): a parent `issues` with an incremental cursor in its params and a
 * child `comments` per issue. Each run asks only for the new window; the cursor survives the loss of
 * the local working folder because it is committed to DuckDB with the data.
 */
describe('parent/child incremental sync across runs', () => {
  const h = useRestApiHarness();

  it('requests only the new window each run, restores the cursor from DuckDB, and never loads a row twice', async () => {
    const issues: Issue[] = [
      { id: 1, title: 'one', updated_at: '2024-01-02T00:00:00Z' },
      { id: 2, title: 'two', updated_at: '2024-01-03T00:00:00Z' },
    ];
    const comments: Record<number, Array<{ id: number; text: string }>> = {
      1: [
        { id: 11, text: 'a' },
        { id: 12, text: 'b' },
      ],
      2: [{ id: 21, text: 'c' }],
    };
    const api = await h.serve({
      'GET /issues': ({ query }) => {
        const since = query.get('since') ?? '';
        return { body: issues.filter((i) => i.updated_at >= since) };
      },
      'GET /issues/:id/comments': ({ params }) => ({ body: comments[Number(params.id)] ?? [] }),
    });
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'issues',
          primary_key: 'id',
          endpoint: {
            path: 'issues',
            params: { since: '{incremental.start_value}' },
            incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01T00:00:00Z' },
          },
        },
        {
          name: 'comments',
          primary_key: 'id',
          endpoint: { path: 'issues/{resources.issues.id}/comments' },
          include_from_parent: ['id'],
        },
      ],
    };
    const since = (value: string) => `GET /issues?${new URLSearchParams({ since: value })}`;
    const counts = async () =>
      (
        await h.query(
          `SELECT (SELECT count(*) FROM rest_dataset.issues) AS issues, (SELECT count(*) FROM rest_dataset.comments) AS comments, (SELECT count(*) FROM rest_dataset._dlt_loads) AS loads`,
        )
      )[0];

    await h.run(config);
    expect(api.calls()).toEqual([
      since('2024-01-01T00:00:00Z'),
      'GET /issues/1/comments',
      'GET /issues/2/comments',
    ]);
    expect(await counts()).toEqual({ issues: 2, comments: 3, loads: 1 });

    api.reset();
    issues.push({ id: 3, title: 'three', updated_at: '2024-01-05T00:00:00Z' });
    comments[3] = [{ id: 31, text: 'd' }];
    await h.run(config);
    expect(api.calls()).toEqual([since('2024-01-03T00:00:00Z'), 'GET /issues/3/comments']);
    expect(await counts()).toEqual({ issues: 3, comments: 4, loads: 2 });

    api.reset();
    await rm(h.paths().workingDir, { recursive: true, force: true });
    issues.push({ id: 4, title: 'four', updated_at: '2024-01-07T00:00:00Z' });
    comments[4] = [{ id: 41, text: 'e' }];
    await h.run(config);
    expect(api.calls()).toEqual([since('2024-01-05T00:00:00Z'), 'GET /issues/4/comments']);
    expect(await counts()).toEqual({ issues: 4, comments: 5, loads: 3 });

    expect(await h.rows('issues', 'id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(await h.rows('comments', 'id, _issues_id')).toEqual([
      { id: 11, _issues_id: 1 },
      { id: 12, _issues_id: 1 },
      { id: 21, _issues_id: 2 },
      { id: 31, _issues_id: 3 },
      { id: 41, _issues_id: 4 },
    ]);
    const [state] = await h.query(
      `SELECT count(*) AS n FROM rest_dataset._dlt_pipeline_state WHERE pipeline_name = 'rest'`,
    );
    expect(state?.n).toBe(3);
  });

  it('loads nothing and requests no child pages when the parent window brings nothing new', async () => {
    const api = await h.serve({
      'GET /issues': () => ({ body: [{ id: 1, updated_at: '2024-01-02T00:00:00Z' }] }),
      'GET /issues/:id/comments': () => ({ body: [{ id: 11 }] }),
    });
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'issues',
          primary_key: 'id',
          endpoint: {
            params: { since: '{incremental.start_value}' },
            incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01T00:00:00Z' },
          },
        },
        { name: 'comments', endpoint: 'issues/{resources.issues.id}/comments' },
      ],
    };
    await h.run(config);
    api.reset();
    await h.run(config);
    expect(api.calls()).toEqual([`GET /issues?${new URLSearchParams({ since: '2024-01-02T00:00:00Z' })}`]);
    expect(await h.query('SELECT count(*) AS n FROM rest_dataset.comments')).toEqual([{ n: 1 }]);
    expect(await h.query('SELECT count(*) AS n FROM rest_dataset.issues')).toEqual([{ n: 1 }]);
  });
  it('keeps one incremental state for a child across all parent records (dlt#2429)', async () => {
    const comments: Record<string, Array<{ id: number; created: number }>> = {
      '1': [{ id: 11, created: 50 }],
      '2': [{ id: 21, created: 20 }],
    };
    const api = await h.serve({
      'GET /issues': () => ({ body: [{ id: 1 }, { id: 2 }] }),
      'GET /issues/:id/comments': ({ params, query }) => ({
        body: (comments[params.id ?? ''] ?? []).filter((c) => c.created >= Number(query.get('since'))),
      }),
    });
    const config = {
      client: { base_url: api.url },
      resources: [
        'issues',
        {
          name: 'comments',
          primary_key: 'id',
          endpoint: {
            path: 'issues/{resources.issues.id}/comments',
            incremental: { cursor_path: 'created', initial_value: 0, start_param: 'since' },
          },
        },
      ],
    };
    await h.run(config);
    api.reset();
    await h.run(config);
    expect(api.calls()).toEqual([
      'GET /issues',
      'GET /issues/1/comments?since=50',
      'GET /issues/2/comments?since=50',
    ]);
    expect((await h.rows('comments', 'id')).map((r) => r.id)).toEqual([11, 21]);
  });
});
