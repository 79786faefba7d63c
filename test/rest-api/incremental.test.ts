import { describe, expect, it } from 'vitest';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §6 incremental loading (§9 scenario 9). */
describe('incremental loading', () => {
  const h = useRestApiHarness();
  const epochToDate = (value: unknown) => new Date(Number(value) * 1000).toISOString().slice(0, 10);
  const EVENTS = [
    { id: 1, updated_at: 10 },
    { id: 2, updated_at: 20 },
    { id: 3, updated_at: 30 },
  ];
  /** `GET /events` serving EVENTS, filtered by `since` when it is a number. */
  const eventsApi = (events: () => Array<{ id: number; updated_at: number }> = () => EVENTS) =>
    h.serve({
      'GET /events': ({ query }) => {
        const since = Number(query.get('since'));
        return { body: events().filter((e) => Number.isNaN(since) || e.updated_at >= since) };
      },
    });

  it.each([
    {
      name: 'start_param and end_param',
      endpoint: {
        incremental: {
          cursor_path: 'updated_at',
          initial_value: '1',
          end_value: '86401',
          start_param: 'since',
          end_param: 'until',
          convert: epochToDate,
        },
      },
    },
    {
      name: '{incremental.start_value} and {incremental.end_value} placeholders',
      endpoint: {
        params: { since: '{incremental.start_value}', until: '{incremental.end_value}' },
        incremental: {
          cursor_path: 'updated_at',
          initial_value: '1',
          end_value: '86401',
          convert: epochToDate,
        },
      },
    },
  ])('sends converted window values with $name', async ({ endpoint }) => {
    const api = await h.serve({ 'GET /events': () => ({ body: [] }) });
    await h.run({ client: { base_url: api.url }, resources: [{ name: 'events', endpoint }] });
    expect(api.calls()).toEqual(['GET /events?since=1970-01-01&until=1970-01-02']);
  });

  it('renders {incremental.lag} as the configured lag', async () => {
    const api = await h.serve({ 'GET /events': () => ({ body: [] }) });
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          endpoint: {
            params: { lag: '{incremental.lag}' },
            incremental: { cursor_path: 'updated_at', initial_value: 1, lag: 3600 },
          },
        },
      ],
    });
    expect(api.calls()).toEqual(['GET /events?lag=3600']);
  });

  it('sends the stored last value on the second run and loads nothing new', async () => {
    const api = await eventsApi();
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          primary_key: 'id',
          endpoint: { incremental: { cursor_path: 'updated_at', initial_value: 1, start_param: 'since' } },
        },
      ],
    };
    await h.run(config);
    await h.run(config);
    expect(api.calls()).toEqual(['GET /events?since=1', 'GET /events?since=30']);
    expect(await h.rows('events', 'id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('filters records outside the window even when the API ignores the param', async () => {
    const api = await h.serve({ 'GET /events': () => ({ body: EVENTS }) });
    const config = {
      client: { base_url: api.url },
      resources: [
        { name: 'events', endpoint: { incremental: { cursor_path: 'updated_at', initial_value: 15 } } },
      ],
    };
    await h.run(config);
    expect(await h.rows('events', 'id')).toEqual([{ id: 2 }, { id: 3 }]);
    await h.run(config);
    expect(await h.rows('events', 'id')).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('keeps a record on the start value that was not seen before (dedup by primary key)', async () => {
    let events = EVENTS;
    const api = await eventsApi(() => events);
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          primary_key: 'id',
          endpoint: { incremental: { cursor_path: 'updated_at', initial_value: 1, start_param: 'since' } },
        },
      ],
    };
    await h.run(config);
    events = [...EVENTS, { id: 4, updated_at: 30 }, { id: 5, updated_at: 40 }];
    await h.run(config);
    expect(api.calls()).toEqual(['GET /events?since=1', 'GET /events?since=30']);
    expect((await h.rows('events', 'id')).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('leaves start_param out when there is no initial value, and renders the placeholder as None', async () => {
    const api = await h.serve({ 'GET /a': () => ({ body: [] }), 'GET /b': () => ({ body: [] }) });
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'a',
          endpoint: { params: { x: 1 }, incremental: { cursor_path: 'updated_at', start_param: 'since' } },
        },
        {
          name: 'b',
          endpoint: {
            params: { since: '{incremental.start_value}' },
            incremental: { cursor_path: 'updated_at' },
          },
        },
      ],
    });
    expect(api.calls()).toEqual(['GET /a?x=1', 'GET /b?since=None']);
  });

  it('accepts the legacy {type: incremental} param', async () => {
    const api = await eventsApi();
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          endpoint: {
            params: { since: { type: 'incremental', cursor_path: 'updated_at', initial_value: 20 } },
          },
        },
      ],
    };
    await h.run(config);
    await h.run(config);
    expect(api.calls()).toEqual(['GET /events?since=20', 'GET /events?since=30']);
    expect(await h.rows('events', 'id')).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('with end_value keeps no state: a second run asks for the same window', async () => {
    const api = await eventsApi();
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          endpoint: {
            incremental: {
              cursor_path: 'updated_at',
              initial_value: 10,
              end_value: 30,
              start_param: 'since',
              end_param: 'until',
            },
          },
        },
      ],
    };
    await h.run(config);
    await h.run(config);
    expect(api.calls()).toEqual(['GET /events?since=10&until=30', 'GET /events?since=10&until=30']);
    expect((await h.rows('events', 'id')).map((r) => r.id)).toEqual([1, 1, 2, 2]);
  });

  it('stops paginating once an ascending cursor passes end_value (row_order asc)', async () => {
    const api = await h.serve({
      'GET /events': ({ query }) => {
        const page = Number(query.get('page'));
        return { body: [{ id: page, updated_at: page * 10 }] };
      },
    });
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          endpoint: {
            paginator: { type: 'page_number', base_page: 1, total_path: null, maximum_page: 100 },
            incremental: { cursor_path: 'updated_at', initial_value: 10, end_value: 30, row_order: 'asc' },
          },
        },
      ],
    });
    expect(api.calls()).toEqual(['GET /events?page=1', 'GET /events?page=2', 'GET /events?page=3']);
    expect((await h.rows('events', 'id')).map((r) => r.id)).toEqual([1, 2]);
  });

  it('filters after processing steps, so a mapped cursor field counts', async () => {
    const api = await h.serve({
      'GET /events': () => ({ body: EVENTS.map(({ id, updated_at }) => ({ id, meta: { ts: updated_at } })) }),
    });
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          processing_steps: [
            { map: (r: { id: number; meta: { ts: number } }) => ({ id: r.id, ts: r.meta.ts }) },
          ],
          endpoint: { incremental: { cursor_path: 'ts', initial_value: 20 } },
        },
      ],
    });
    expect(await h.rows('events', 'id, ts')).toEqual([
      { id: 2, ts: 20 },
      { id: 3, ts: 30 },
    ]);
  });

  it.each([
    {
      name: 'convert: state keeps raw values, the request the converted last value',
      incremental: {
        cursor_path: 'updated_at',
        initial_value: 1,
        start_param: 'since',
        convert: (v: unknown) => `t${String(v)}`,
      },
      second: 'GET /events?since=t30',
    },
    {
      name: 'lag: the next window starts lag before the last value',
      incremental: { cursor_path: 'updated_at', initial_value: 1, start_param: 'since', lag: 15 },
      second: 'GET /events?since=15',
    },
    {
      name: 'lag never reaches before initial_value',
      incremental: { cursor_path: 'updated_at', initial_value: 25, start_param: 'since', lag: 100 },
      second: 'GET /events?since=25',
    },
    {
      name: 'last_value_func min: the window moves down',
      incremental: {
        cursor_path: 'updated_at',
        initial_value: 100,
        start_param: 'since',
        last_value_func: 'min',
      },
      second: 'GET /events?since=10',
    },
  ])('on the second run, $name', async ({ incremental, second }) => {
    const api = await h.serve({ 'GET /events': () => ({ body: EVENTS }) });
    const config = {
      client: { base_url: api.url },
      resources: [{ name: 'events', endpoint: { incremental } }],
    };
    await h.run(config);
    await h.run(config);
    expect(api.calls()[1]).toBe(second);
  });

  it.each([
    {
      name: 'primary_key [] disables dedup: the boundary record comes again',
      incremental: { primary_key: [] },
      ids: [1, 2, 3, 3],
    },
    {
      name: 'range_start open drops the boundary record',
      incremental: { range_start: 'open' },
      ids: [1, 2, 3],
    },
    { name: 'the default dedups the boundary record by primary key', incremental: {}, ids: [1, 2, 3] },
  ])('$name', async ({ incremental, ids }) => {
    const api = await h.serve({ 'GET /events': () => ({ body: EVENTS }) });
    const config = {
      client: { base_url: api.url },
      resources: [
        {
          name: 'events',
          primary_key: 'id',
          endpoint: { incremental: { cursor_path: 'updated_at', initial_value: 1, ...incremental } },
        },
      ],
    };
    await h.run(config);
    await h.run(config);
    expect((await h.rows('events', 'id')).map((r) => r.id)).toEqual(ids);
  });

  it('fails on a record without the cursor by default, and drops it with on_cursor_value_missing exclude', async () => {
    const api = await h.serve({ 'GET /events': () => ({ body: [{ id: 1, updated_at: 5 }, { id: 2 }] }) });
    const resource = (mode?: string) => ({
      name: 'events',
      endpoint: {
        incremental: {
          cursor_path: 'updated_at',
          initial_value: 1,
          ...(mode ? { on_cursor_value_missing: mode } : {}),
        },
      },
    });
    const error = await h.failure({ client: { base_url: api.url }, resources: [resource()] });
    expect(error.message).toContain('updated_at');
    expect(await h.loadCount()).toBe(0);
    await h.run({ client: { base_url: api.url }, resources: [resource('exclude')] });
    expect(await h.rows('events', 'id')).toEqual([{ id: 1 }]);
  });
});
