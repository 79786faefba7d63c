import { describe, expect, it } from 'vitest';
import type { MutableResponse } from '../../src/extract/response-actions.js';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §7 response_actions (§9 scenario 10, pitfalls #1949/#1849). */
describe('response actions', () => {
  const h = useRestApiHarness();
  /** Issues 1–3; the comments of issue 2 answer with `status`/`body`. */
  const api = (status: number, body: unknown = { error: 'nope' }) =>
    h.serve({
      'GET /issues': () => ({ body: [{ id: 1 }, { id: 2 }, { id: 3 }] }),
      'GET /issues/:id/comments': ({ params }) =>
        params.id === '2' ? { status, body } : { body: [{ id: Number(params.id) * 10 }] },
    });
  const config = (url: string, response_actions?: unknown[]) => ({
    client: { base_url: url },
    resources: [
      'issues',
      {
        name: 'comments',
        endpoint: {
          path: 'issues/{resources.issues.id}/comments',
          ...(response_actions ? { response_actions } : {}),
        },
      },
    ],
  });
  const commentIds = async () => (await h.rows('comments', 'id')).map((r) => r.id);

  it('skips only the parent record whose child request is ignored on 404', async () => {
    const server = await api(404);
    await h.run(config(server.url, [{ status_code: 404, action: 'ignore' }]));
    expect(server.calls()).toEqual([
      'GET /issues',
      'GET /issues/1/comments',
      'GET /issues/2/comments',
      'GET /issues/3/comments',
    ]);
    expect(await commentIds()).toEqual([10, 30]);
    expect(await h.query('SELECT count(*) AS n FROM rest_dataset.issues')).toEqual([{ n: 3 }]);
  });

  it('honours every ignore entry, not just the first', async () => {
    const server = await api(422);
    await h.run(
      config(server.url, [
        { status_code: 404, action: 'ignore' },
        { status_code: 422, action: 'ignore' },
      ]),
    );
    expect(await commentIds()).toEqual([10, 30]);
  });

  it('fails on a 422 when only 404 is ignored, and commits nothing', async () => {
    const server = await api(422);
    const error = await h.failure(config(server.url, [{ status_code: 404, action: 'ignore' }]));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.message).toContain('422');
    expect(error.message).toContain('/issues/2/comments');
    expect(server.requests).toHaveLength(3);
    expect(await h.loadCount()).toBe(0);
  });

  it('fails on a 404 without response actions', async () => {
    const server = await api(404);
    const error = await h.failure(config(server.url));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.message).toContain('404');
    expect(server.requests).toHaveLength(3);
  });

  it('ignores on a content substring, and requires both status and content when both are given', async () => {
    const server = await api(400, 'error: no such issue here');
    await h.run(
      config(server.url, [
        { status_code: 400, content: 'something else', action: 'ignore' },
        { content: 'no such issue', action: 'ignore' },
      ]),
    );
    expect(await commentIds()).toEqual([10, 30]);
    const strict = await api(400, 'error: no such issue here');
    const error = await h.failure(
      config(strict.url, [{ status_code: 400, content: 'something else', action: 'ignore' }]),
    );
    expect(error.message).toContain('400');
  });

  it('ignores an empty 204 without trying to read JSON from it', async () => {
    const server = await h.serve({
      'GET /issues': () => ({ body: [{ id: 1 }, { id: 2 }] }),
      'GET /issues/:id/comments': ({ params }) =>
        params.id === '2' ? { status: 204 } : { body: [{ id: 10 }] },
    });
    await h.run(config(server.url, [{ status_code: 204, action: 'ignore' }]));
    expect(await commentIds()).toEqual([10]);
  });

  it('keeps the pages before an ignored page of a paginated resource', async () => {
    const server = await h.serve({
      'GET /items': ({ query }) =>
        query.get('page') === '3'
          ? { status: 404, body: { error: 'gone' } }
          : { body: [{ id: Number(query.get('page')) }] },
    });
    await h.run({
      client: { base_url: server.url },
      resources: [
        {
          name: 'items',
          endpoint: {
            paginator: { type: 'page_number', base_page: 1, total_path: null },
            response_actions: [{ status_code: 404, action: 'ignore' }],
          },
        },
      ],
    });
    expect(server.calls()).toEqual(['GET /items?page=1', 'GET /items?page=2', 'GET /items?page=3']);
    expect((await h.rows('items', 'id')).map((r) => r.id)).toEqual([1, 2]);
  });

  it('runs hooks in order on the response, so they can rewrite the body; return values are ignored', async () => {
    const server = await h.serve({
      'GET /items': () => ({ headers: { 'content-type': 'text/plain' }, body: 'not json at all' }),
    });
    const rewrite = (response: MutableResponse) => {
      response.body = Buffer.from(JSON.stringify([{ id: 1, step: 'one' }]));
      return 'ignored';
    };
    const append = (response: MutableResponse) => {
      const records = JSON.parse(response.body.toString('utf8')) as unknown[];
      response.body = Buffer.from(JSON.stringify([...records, { id: 2, step: 'two' }]));
      return { body: 'also ignored' };
    };
    await h.run({
      client: { base_url: server.url },
      resources: [
        { name: 'items', endpoint: { response_actions: [rewrite, { status_code: 200, action: [append] }] } },
      ],
    });
    expect(await h.rows('items', 'id, step')).toEqual([
      { id: 1, step: 'one' },
      { id: 2, step: 'two' },
    ]);
  });

  it('runs hooks on every response, retried attempts included', async () => {
    let calls = 0;
    const statuses: number[] = [];
    const server = await h.serve({
      'GET /items': () => (++calls === 1 ? { status: 503, body: { error: 'busy' } } : { body: [{ id: 1 }] }),
    });
    await h.run({
      client: { base_url: server.url, retry: { backoff_factor: 0.001 } },
      resources: [
        { name: 'items', endpoint: { response_actions: [(r: MutableResponse) => statuses.push(r.status)] } },
      ],
    });
    expect(statuses).toEqual([503, 200]);
    expect(server.requests).toHaveLength(2);
  });
});
