import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { readLocalState } from '../../src/load/pipeline-state.js';
import type { TributaryEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type RestApiHarness, records, useRestApiHarness } from '../rest-api/rest-api-harness.js';
import type { RouteResponse } from '../support/recording-server.js';
import { type RawServer, sendTruncated, startRawServer } from './hardening-server.js';

/**
 * Bad response bodies (reliability table B3 cases 1–5, 17, 18): each run ends in the right tables
 * or in a clear error that leaves the tables, `_dlt_loads` and the pipeline state as they were.
 */
describe('bad response bodies', () => {
  const h = useRestApiHarness();
  const KEY = 'bodies-key-4417';
  let raw: RawServer | undefined;
  afterEach(async () => {
    await raw?.close();
    raw = undefined;
  });

  /** Items with an incremental cursor, merged on id: a committed run moves the state. */
  const config = (url: string, extra: Record<string, unknown> = {}) => ({
    client: {
      base_url: url,
      auth: { type: 'api_key', name: 'api_key', api_key: KEY, location: 'query' },
      retry: { backoff_factor: 0.001 },
    },
    resources: [
      {
        name: 'items',
        primary_key: 'id',
        write_disposition: 'merge',
        endpoint: {
          data_selector: 'data',
          paginator: { type: 'page_number', base_page: 1, total_path: null, stop_after_empty_page: true },
          incremental: { cursor_path: 'updated_at', initial_value: 0 },
          ...extra,
        },
      },
    ],
  });
  const item = (id: number, updatedAt = id) => ({ id, updated_at: updatedAt, name: `item ${id}` });
  const page = (data: unknown[]): RouteResponse => ({ body: { data } });

  /** Everything a failed run must leave untouched. */
  const committed = async (harness: RestApiHarness) => ({
    loads: await harness.loadCount(),
    items: await harness.rows('items', 'id, updated_at, name'),
    states: (await harness.query('SELECT count(*) AS n FROM rest_dataset._dlt_pipeline_state'))[0]?.n,
    pending: await readdir(join(harness.paths().workingDir, 'load/normalized')).catch(() => []),
    localState: (await readLocalState(harness.paths().workingDir))?._version_hash,
  });

  /** Serves `GET /items?page=N` from `pages(N, attempt)`, where attempt counts requests for that page. */
  const servePages = (pages: (n: number, attempt: number) => RouteResponse) => {
    const attempts = new Map<number, number>();
    return h.serve({
      'GET /items': ({ query }) => {
        const n = Number(query.get('page'));
        const attempt = (attempts.get(n) ?? 0) + 1;
        attempts.set(n, attempt);
        return pages(n, attempt);
      },
    });
  };

  /** Loads items 1–2 once, then serves a second run whose page 2 is `bad`; returns the error. */
  const failSecondRun = async (bad: (attempt: number) => RouteResponse) => {
    let second = false;
    const api = await servePages((n, attempt) => {
      if (n === 1) return page(second ? [item(1, 50), item(3, 60)] : [item(1), item(2)]);
      if (n === 2 && second) return bad(attempt);
      return page([]);
    });
    await h.run(config(api.url));
    const before = await committed(h);
    expect(before.loads).toBe(1);
    second = true;
    api.reset();
    const error = await h.failure(config(api.url));
    expect(await committed(h)).toEqual(before);
    return { api, error };
  };

  describe('malformed JSON with 200 (B3 #1)', () => {
    it('retries a page whose JSON is cut off, then fails naming the URL and the byte offset, committing nothing', async () => {
      const { api, error } = await failSecondRun(() => ({
        headers: { 'content-type': 'application/json' },
        body: '{"data":[{"id":1,',
      }));
      expect(api.calls().filter((c) => c.includes('page=2'))).toHaveLength(5);
      expect(error.code).toBe('RESPONSE_INVALID');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(`GET ${api.url}/items?page=2&api_key=***`);
      expect(error.message).toContain('not valid JSON: expected a quoted key but the text ended at byte 17');
      expect(error.message).toContain('after 5 attempts');
      expect(error.message).not.toContain(KEY);
    });

    it('loads the page when a retry brings valid JSON', async () => {
      const api = await servePages((n, attempt) => {
        if (n === 1) return page([item(1)]);
        if (n === 2 && attempt === 1)
          return { headers: { 'content-type': 'application/json' }, body: '{"data":[{"id":2,' };
        if (n === 2) return page([item(2)]);
        return page([]);
      });
      const report = await h.run(config(api.url));
      expect(report.retries).toBe(1);
      expect((await h.rows('items', 'id')).map((r) => r.id)).toEqual([1, 2]);
    });
  });

  describe('bodies that are not JSON at all fail at once, as in dlt (B3 #2)', () => {
    it.each([
      {
        name: 'an HTML page labelled as JSON',
        reply: {
          headers: { 'content-type': 'application/json' },
          body: '<html><body>Maintenance</body></html>',
        },
        message:
          /returned 200 with an HTML page where JSON was expected \(application\/json, 37 bytes\): <html><body>Maintenance/,
      },
      {
        name: 'plain text',
        reply: { headers: { 'content-type': 'text/plain' }, body: 'Service temporarily unavailable' },
        message:
          /returned 200 with a body that is not JSON \(text\/plain, 31 bytes\): Service temporarily unavailable/,
      },
      {
        name: 'an empty 200',
        reply: { headers: { 'content-type': 'application/json' }, body: '' },
        message: /returned 200 with an empty body where JSON was expected \(application\/json, 0 bytes\)/,
      },
      {
        name: 'a 204 No Content, with a hint to ignore it',
        reply: { status: 204 },
        message:
          /returned 204 with an empty body where JSON was expected .*add response_actions: \[\{ status_code: 204, action: ignore \}\]/,
      },
    ])('$name', async ({ reply, message }) => {
      const { api, error } = await failSecondRun(() => reply);
      expect(api.calls().filter((c) => c.includes('page=2'))).toHaveLength(1);
      expect(error.code).toBe('RESPONSE_INVALID');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`GET ${api.url}/items?page=2&api_key=***`);
      expect(error.message).toMatch(message);
    });
  });

  describe('tolerated bodies (B3 #4)', () => {
    it.each([
      {
        name: 'a UTF-8 byte order mark before the JSON',
        type: 'application/json; charset=utf-8',
        prefix: '\ufeff',
      },
      { name: 'JSON served as text/plain', type: 'text/plain; charset=utf-8', prefix: '' },
      { name: 'JSON served without a content type', type: undefined, prefix: ' \n' },
    ])('loads $name', async ({ type, prefix }) => {
      const api = await servePages((n) => ({
        ...(type ? { headers: { 'content-type': type } } : {}),
        body: `${prefix}${JSON.stringify({ data: n === 1 ? [item(1), { ...item(2), name: 'Zoë ✓' }] : [] })}`,
      }));
      await h.run(config(api.url));
      expect(await h.rows('items', 'id, name')).toEqual([
        { id: 1, name: 'item 1' },
        { id: 2, name: 'Zoë ✓' },
      ]);
    });
  });

  describe('truncated bodies (B3 #3)', () => {
    const body = JSON.stringify({ data: [item(1), item(2)] });
    const framings = [
      { framing: 'a Content-Length', announced: body.length + 500 },
      { framing: 'chunked encoding', announced: undefined },
    ];

    it.each(framings)(
      'retries a body cut short under $framing and loads the page exactly once',
      async ({ announced }) => {
        let cuts = 0;
        raw = await startRawServer(({ query }, res) => {
          if (query.get('page') === '1' && cuts < 2) {
            cuts++;
            sendTruncated(res, body.slice(0, 30), announced);
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(query.get('page') === '1' ? body : '{"data":[]}');
        });
        const report = await h.run(config(raw.url));
        expect(report.retries).toBe(2);
        expect(raw.calls.filter((c) => c.includes('page=1'))).toHaveLength(3);
        expect(await h.rows('items', 'id')).toEqual([{ id: 1 }, { id: 2 }]);
      },
    );

    it.each(framings)(
      'fails after the last attempt under $framing without loading the partial page',
      async ({ announced }) => {
        raw = await startRawServer((_request, res) => sendTruncated(res, body.slice(0, 30), announced));
        const error = await h.failure(config(raw.url));
        expect(error.code).toBe('HTTP_NETWORK');
        expect(error.message).toMatch(
          new RegExp(`^GET ${raw.url}/items\\?page=1&api_key=\\*\\*\\* failed: .+ after 5 attempts$`),
        );
        expect(raw.calls).toHaveLength(5);
        expect(await h.tables()).toEqual([]);
      },
    );
  });

  describe('totals that lie (B3 #17)', () => {
    /** 350 rows behind `offset`/`limit`, with the given `total` on every page. */
    const offsetApi = (total: number) =>
      h.serve({
        'GET /items': ({ query }) => {
          const offset = Number(query.get('offset'));
          return { body: { total, data: records(350).slice(offset, offset + 50) } };
        },
      });
    const offsetConfig = (url: string) => ({
      client: { base_url: url },
      resources: [
        {
          name: 'items',
          primary_key: 'id',
          endpoint: { data_selector: 'data', paginator: { type: 'offset', limit: 50 } },
        },
      ],
    });
    const stopReason = (events: TributaryEvent[]) =>
      events.flatMap((e) => (e.type === 'resource_finished' ? [e.stopReason] : []));

    /** Runs with pages fetched one at a time (as dlt) or several at once (Tributary's default). */
    const runAt = (config: unknown, concurrency: number, events: TributaryEvent[]) =>
      runPipeline(h.source(config), {
        pipelineName: 'rest',
        destination: new DuckDbDestination(h.paths().file),
        workingDir: h.paths().workingDir,
        concurrency,
        runtime: { emit: (e) => events.push(e) },
      });

    it.each([1, 4])(
      'stops cleanly at the first empty page when the total is larger than the data (concurrency %i)',
      async (concurrency) => {
        const api = await offsetApi(500);
        const events: TributaryEvent[] = [];
        await runAt(offsetConfig(api.url), concurrency, events);
        expect(api.calls()).toContain('GET /items?offset=350&limit=50');
        if (concurrency === 1) expect(api.calls()).toHaveLength(8);
        expect(stopReason(events)).toEqual(['empty page']);
        const [row] = await h.query(
          'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM rest_dataset.items',
        );
        expect(row).toEqual({ n: 350, ids: 350 });
      },
    );

    it.each([1, 4])(
      'stops at the total when the total is smaller than the data, the documented stop rule (concurrency %i)',
      async (concurrency) => {
        const api = await offsetApi(200);
        const events: TributaryEvent[] = [];
        await runAt(offsetConfig(api.url), concurrency, events);
        expect(api.calls()).toHaveLength(4);
        expect(stopReason(events)[0]).toMatch(/total/);
        const [row] = await h.query('SELECT count(*) AS n, max(id) AS last FROM rest_dataset.items');
        expect(row).toEqual({ n: 200, last: 200 });
      },
    );
  });

  describe('records shifting during offset paging (B3 #18)', () => {
    /** Rows by `offset`/`limit` (no total); `afterFirstPage` changes the list once page 1 is served. */
    const shiftingApi = (afterFirstPage: (rows: Array<{ id: number; name: string }>) => void) => {
      const rows = records(6);
      return h.serve({
        'GET /items': ({ query }) => {
          const offset = Number(query.get('offset'));
          const data = rows.slice(offset, offset + 3);
          if (offset === 0) afterFirstPage(rows);
          return { body: { data } };
        },
      });
    };
    const mergeConfig = (url: string) => ({
      client: { base_url: url },
      resources: [
        {
          name: 'items',
          primary_key: 'id',
          write_disposition: 'merge',
          endpoint: { data_selector: 'data', paginator: { type: 'offset', limit: 3, total_path: null } },
        },
      ],
    });

    it('keeps each primary key once when an insert pushes a row onto the next page', async () => {
      const api = await shiftingApi((rows) => rows.unshift({ id: 0, name: 'inserted' }));
      await h.run(mergeConfig(api.url));
      // Row 3 was served twice (end of page 1, then start of page 2); merge kept it once.
      expect((await h.rows('items', 'id')).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('misses a row that a delete pulls back onto a page already read (use a cursor or incremental to avoid it)', async () => {
      const api = await shiftingApi((rows) => rows.splice(0, 1));
      await h.run(mergeConfig(api.url));
      // Row 4 moved from offset 3 to offset 2 after page 1 was read: offset paging cannot see it.
      expect((await h.rows('items', 'id')).map((r) => r.id)).toEqual([1, 2, 3, 5, 6]);
    });
  });

  it('loads a 5 MB string in one field (B3 #5)', async () => {
    const big = `${'x'.repeat(5 * 1024 * 1024 - 2)}✓`;
    const api = await servePages((n) => page(n === 1 ? [{ ...item(1), blob: big }, item(2)] : []));
    await h.run(config(api.url));
    const rows = await h.query(
      'SELECT id, length(blob) AS len, right(blob, 1) AS tail FROM rest_dataset.items ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, len: big.length, tail: '✓' },
      { id: 2, len: null, tail: null },
    ]);
  });
});
