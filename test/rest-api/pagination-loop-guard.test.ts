import { describe, expect, it } from 'vitest';
import { records, useRestApiHarness } from './rest-api-harness.js';

/**
 * Tributary extension: an API that repeats itself makes the run fail with a PAGINATION error after a
 * bounded number of requests, and nothing of that run is committed.
 */
describe('pagination loop guard', () => {
  const h = useRestApiHarness();

  it('fails when an API ignores the offset and serves the same page again, leaving the table unchanged', async () => {
    let ignoreOffset = false;
    const api = await h.serve({
      'GET /items': ({ query }) => {
        const offset = ignoreOffset ? 0 : Number(query.get('offset'));
        return { body: { data: records(4).slice(offset, offset + 2), total: ignoreOffset ? 1000 : 4 } };
      },
    });
    const config = {
      client: { base_url: api.url },
      resources: [
        { name: 'items', endpoint: { data_selector: 'data', paginator: { type: 'offset', limit: 2 } } },
      ],
    };
    await h.run(config);
    expect(await h.loadCount()).toBe(1);
    api.reset();
    ignoreOffset = true;
    const error = await h.failure(config);
    expect(error.code).toBe('PAGINATION');
    expect(error.message).toContain('resource items');
    expect(error.message).toContain('same page');
    expect(api.calls()).toEqual(['GET /items?offset=0&limit=2', 'GET /items?offset=2&limit=2']);
    expect(await h.loadCount()).toBe(1);
    expect(await h.query('SELECT count(*) AS n FROM rest_dataset.items')).toEqual([{ n: 4 }]);
  });

  it('fails when an API hands out the same cursor forever, before sending the repeated request', async () => {
    let served = 0;
    const api = await h.serve({
      'GET /events': () => {
        served++;
        return { body: { data: [{ id: served }], next: 'stuck-cursor' } };
      },
    });
    const error = await h.failure({
      client: { base_url: api.url },
      resources: [{ name: 'events', endpoint: { paginator: { type: 'cursor', cursor_path: 'next' } } }],
    });
    expect(error.code).toBe('PAGINATION');
    expect(error.message).toContain('resource events');
    expect(api.calls()).toEqual(['GET /events', 'GET /events?cursor=stuck-cursor']);
    expect(await h.loadCount()).toBe(0);
    expect(await h.tables()).not.toContain('events');
  });

  it('fails when every page links the same next URL', async () => {
    let base = '';
    let served = 0;
    const api = await h.serve({
      'GET /items': () => {
        served++;
        return { body: { data: [{ id: served }], next: `${base}/items?page=2` } };
      },
    });
    base = api.url;
    const error = await h.failure({
      client: { base_url: api.url },
      resources: [{ name: 'items', endpoint: { paginator: 'json_link' } }],
    });
    expect(error.code).toBe('PAGINATION');
    expect(api.calls()).toEqual(['GET /items', 'GET /items?page=2']);
    expect(await h.tables()).not.toContain('items');
  });
});
