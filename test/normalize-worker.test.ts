import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../src/errors/tributary-error.js';
import type { TributaryEvent } from '../src/pipeline/events.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from './support/recording-server.js';
import { makeTempDir } from './support/temp-dir.js';

const TOTAL = 2400;
const PAGE = 100;

/**
 * One record as JSON text: exact-number cases (a bigint past 2^53, an integral double `2.0`, a
 * 17-digit decimal), a timestamp, unicode, nested objects and lists, and a field that only some
 * records have (a column that appears mid-run, after the worker took over).
 */
function recordText(id: number): string {
  const big = `${9007199254740993n + BigInt(id)}`;
  const late = id >= 1700 ? `,"late_field":"late ${id}"` : '';
  const tags = JSON.stringify(Array.from({ length: id % 4 }, (_, i) => `tag-${(id + i) % 7}`));
  return `{"id":${id},"name":${JSON.stringify(`task ${id} – Grüße 🚀`)},"big":${big},"ratio":${id % 3 === 0 ? '2.0' : `${id}.25`},"precise":0.12345678901234567,"created_at":"2024-03-0${(id % 9) + 1}T10:20:30Z","owner":{"id":${id % 13},"email":"u${id % 13}@example.com"},"tags":${tags},"subtasks":[{"title":"a${id}","done":${id % 2 === 0}}]${late}}`;
}

/** Serves TOTAL records over offset pages; record `bad` has text where the others have a number. */
function pageBody(offset: number, limit: number, bad: number | undefined): string {
  const ids = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, i) => offset + i);
  const records = ids.map((id) =>
    id === bad ? recordText(id).replace(/"ratio":[^,]+/, '"ratio":"n/a"') : recordText(id),
  );
  return `{"total":${TOTAL},"data":[${records.join(',')}]}`;
}

/** How late `/slow-tasks` answers each page after the first. */
const SLOW_PAGE_MS = 150;

const ENVELOPE_TOTAL = 600;
/** Obviously fake; record 250 echoes it back. */
const FAKE_KEY = 'fake-key-for-worker-tests-0000';

/**
 * Pages whose records sit two keys deep, with only numbers `JSON.parse` reads exactly (no bigint, no
 * `2.0`), and one record that echoes the API key (that page is redacted before normalizing).
 */
function envelopeBody(offset: number, limit: number): string {
  const ids = Array.from(
    { length: Math.max(0, Math.min(limit, ENVELOPE_TOTAL - offset)) },
    (_, i) => offset + i,
  );
  const records = ids.map((id) =>
    JSON.stringify({
      id,
      name: `item ${id} – ünïcödé`,
      ratio: id + 0.5,
      at: `2024-05-0${(id % 9) + 1}T08:00:00Z`,
      tags: Array.from({ length: id % 3 }, (_, i) => `t${i}`),
      ...(id === 250 ? { note: `the key was ${FAKE_KEY}` } : {}),
    }),
  );
  return `{"meta":{"total":${ENVELOPE_TOTAL}},"result":{"items":[${records.join(',')}]}}`;
}

describe('normalizing in a worker thread', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let bad: number | undefined;

  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /tasks': (req) => ({
        headers: { 'content-type': 'application/json' },
        body: pageBody(Number(req.query.get('offset')), Number(req.query.get('limit')), bad),
      }),
      // Every page after the first answers late: time for a worker to load during the walk.
      'GET /slow-tasks': async (req) => {
        const offset = Number(req.query.get('offset'));
        if (offset > 0) await new Promise((resolve) => setTimeout(resolve, SLOW_PAGE_MS));
        return {
          headers: { 'content-type': 'application/json' },
          body: pageBody(offset, Number(req.query.get('limit')), undefined),
        };
      },
      'GET /envelope': (req) => ({
        headers: { 'content-type': 'application/json' },
        body: envelopeBody(Number(req.query.get('offset')), Number(req.query.get('limit'))),
      }),
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    bad = undefined;
    temp = await makeTempDir('tributary-worker-');
    return () => temp.cleanup();
  });

  const run = (
    name: string,
    workerAfter: number,
    events: TributaryEvent[] = [],
    resource = {},
    concurrency?: number,
  ) =>
    runPipeline(
      restApiSource({
        client: { base_url: server.url, ...(concurrency === undefined ? {} : { concurrency }) },
        resources: [
          {
            name: 'tasks',
            primary_key: 'id',
            write_disposition: { disposition: 'merge', strategy: 'upsert' },
            endpoint: { path: 'tasks', data_selector: 'data', paginator: { type: 'offset', limit: PAGE } },
            ...resource,
          },
        ],
      }),
      {
        pipelineName: name,
        destination: new DuckDbDestination(join(temp.dir, `${name}.duckdb`)),
        workingDir: join(temp.dir, name),
        normalizeWorkerAfter: workerAfter,
        runtime: { emit: (event) => events.push(event) },
      },
    );

  /** Every table of the dataset, rows in key order, load ids left out (they differ per run). */
  const dump = (name: string) =>
    withDuckDb(join(temp.dir, `${name}.duckdb`), async (q) => {
      const out: Record<string, unknown> = {};
      const tables = await q(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${name}_dataset' AND table_name NOT LIKE '_dlt%' ORDER BY 1`,
      );
      for (const { table_name: table } of tables) {
        const columns = await q(
          `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = '${name}_dataset' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        const kept = columns.map((c) => `"${c.column_name}"`).filter((c) => c !== '"_dlt_load_id"');
        out[`${table} columns`] = columns;
        out[`${table} rows`] = await q(
          `SELECT ${kept.join(', ')} FROM ${name}_dataset."${table}" ORDER BY ${kept.join(', ')}`,
        );
      }
      return out;
    });

  it('loads the same tables, types and row ids with the worker from the start, from mid-run and without it', async () => {
    const eventsInline: TributaryEvent[] = [];
    const eventsWorker: TributaryEvent[] = [];
    const eventsHandover: TributaryEvent[] = [];
    await run('inline', Number.POSITIVE_INFINITY, eventsInline);
    await run('worker', 0, eventsWorker);
    // Without a total the walk's size is unknown, so the worker takes over at the threshold.
    await run('handover', 850, eventsHandover, {
      endpoint: {
        path: 'tasks',
        data_selector: 'data',
        paginator: { type: 'offset', limit: PAGE, total_path: null, stop_after_empty_page: true },
      },
    });
    const handOvers = (events: TributaryEvent[]) => events.filter((e) => e.type === 'normalize_worker');
    expect(handOvers(eventsInline)).toEqual([]);
    expect(handOvers(eventsWorker)).toEqual([{ type: 'normalize_worker', records: 0 }]);
    // Pages of 100: the first page at or past 850 records.
    expect(handOvers(eventsHandover)).toEqual([{ type: 'normalize_worker', records: 900 }]);
    const inline = await dump('inline');
    expect(Object.keys(inline)).toEqual([
      'tasks columns',
      'tasks rows',
      'tasks__subtasks columns',
      'tasks__subtasks rows',
      'tasks__tags columns',
      'tasks__tags rows',
    ]);
    expect((inline['tasks rows'] as unknown[]).length).toBe(TOTAL);
    const columns = (inline['tasks columns'] as Array<{ column_name: string; data_type: string }>).map(
      (c) => `${c.column_name} ${c.data_type}`,
    );
    expect(columns).toEqual(expect.arrayContaining(['big BIGINT', 'ratio DOUBLE', 'late_field VARCHAR']));
    const [worst] = await withDuckDb(join(temp.dir, 'worker.duckdb'), (q) =>
      q('SELECT big, ratio, precise FROM worker_dataset.tasks WHERE id = 2397'),
    );
    // Past 2^53, exact; an integral double stays a double.
    expect(worst).toEqual({ big: 9007199254743390n, ratio: 2, precise: Number('0.12345678901234567') });
    expect(await dump('worker')).toEqual(inline);
    expect(await dump('handover')).toEqual(inline);
    // Every page was reported, with the rows that went into the package.
    const pages = eventsWorker.filter((e) => e.type === 'page');
    expect(pages).toHaveLength(TOTAL / PAGE);
    const rows = pages.reduce((sum, e) => sum + (e.type === 'page' ? (e.rows ?? 0) : 0), 0);
    const expected = Object.entries(inline)
      .filter(([key]) => key.endsWith(' rows'))
      .reduce((sum, [, value]) => sum + (value as unknown[]).length, 0);
    expect(rows).toBe(expected);
  }, 120_000);

  it('starts the worker on a first page whose total passes the threshold, and hands over before it', async () => {
    const events: TributaryEvent[] = [];
    const slow = {
      endpoint: { path: 'slow-tasks', data_selector: 'data', paginator: { type: 'offset', limit: PAGE } },
    };
    // One page at a time, 150 ms each: the walk takes over 3 s, and the total (2,400) on the first
    // page says it will pass 2,000 records.
    await run('early', 2000, events, slow, 1);
    const handOvers = events.filter((e) => e.type === 'normalize_worker');
    expect(handOvers).toHaveLength(1);
    const records = handOvers[0]?.type === 'normalize_worker' ? handOvers[0].records : -1;
    // Not on the first page (the worker was only starting), and well before 2,000 records.
    expect(records).toBeGreaterThanOrEqual(PAGE);
    expect(records).toBeLessThan(2000);
    const [count] = await withDuckDb(join(temp.dir, 'early.duckdb'), (q) =>
      q('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM early_dataset.tasks'),
    );
    expect(count).toEqual({ n: BigInt(TOTAL), ids: BigInt(TOTAL) });
  }, 60_000);

  it('loads the same tables when the worker reads pages from their own text (deep selector, a redacted page)', async () => {
    const runEnvelope = (name: string, workerAfter: number, events: TributaryEvent[]) =>
      runPipeline(
        restApiSource({
          client: {
            base_url: server.url,
            auth: { type: 'api_key', name: 'api_key', api_key: FAKE_KEY, location: 'query' },
          },
          resources: [
            {
              name: 'items',
              primary_key: 'id',
              // Row ids from the key (not random), so that two runs' tables compare equal.
              write_disposition: { disposition: 'merge', strategy: 'upsert' },
              endpoint: {
                path: 'envelope',
                data_selector: 'result.items',
                paginator: { type: 'offset', limit: 50, total_path: 'meta.total' },
              },
            },
          ],
        }),
        {
          pipelineName: name,
          destination: new DuckDbDestination(join(temp.dir, `${name}.duckdb`)),
          workingDir: join(temp.dir, name),
          normalizeWorkerAfter: workerAfter,
          runtime: { emit: (event) => events.push(event) },
        },
      );
    const workerEvents: TributaryEvent[] = [];
    await runEnvelope('plain_inline', Number.POSITIVE_INFINITY, []);
    await runEnvelope('plain_worker', 0, workerEvents);
    expect(workerEvents.filter((e) => e.type === 'normalize_worker')).toEqual([
      { type: 'normalize_worker', records: 0 },
    ]);
    const inline = await dump('plain_inline');
    expect((inline['items rows'] as unknown[]).length).toBe(ENVELOPE_TOTAL);
    expect(await dump('plain_worker')).toEqual(inline);
    const [echo] = await withDuckDb(join(temp.dir, 'plain_worker.duckdb'), (q) =>
      q('SELECT note, ratio FROM plain_worker_dataset.items WHERE id = 250'),
    );
    expect(echo).toEqual({ note: 'the key was ***', ratio: 250.5 });
  }, 120_000);

  it('fails the run with the contract error the worker raised, and loads nothing of it', async () => {
    await run('frozen', 0);
    bad = 1901;
    const events: TributaryEvent[] = [];
    const error = await run('frozen', 0, events, { schema_contract: { data_type: 'freeze' } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).code).toBe('SCHEMA_CONTRACT');
    expect((error as Error).message).toMatch(/id=1901/);
    expect(events.some((e) => e.type === 'normalize_worker')).toBe(true);
    const loads = await withDuckDb(join(temp.dir, 'frozen.duckdb'), (q) =>
      q('SELECT count(*) AS n FROM frozen_dataset._dlt_loads'),
    );
    expect(Number(loads[0]?.n)).toBe(1);
  }, 120_000);

  it('counts the rows a contract discards in the worker', async () => {
    await run('discard', 0);
    bad = 1901;
    const events: TributaryEvent[] = [];
    await run('discard', 0, events, { schema_contract: { data_type: 'discard_row' } });
    const warning = events.find(
      (e) => e.type === 'warning' && /discarded by the schema contract/.test(e.message),
    );
    expect(warning).toMatchObject({ message: 'resource tasks: 3 rows discarded by the schema contract' });
    expect(events.some((e) => e.type === 'normalize_worker')).toBe(true);
    const [count] = await withDuckDb(join(temp.dir, 'discard.duckdb'), (q) =>
      q('SELECT count(*) AS n FROM discard_dataset.tasks'),
    );
    // The first run loaded every record; the discarded version of 1901 did not replace it.
    expect(Number(count?.n)).toBe(TOTAL);
    const [kept] = await withDuckDb(join(temp.dir, 'discard.duckdb'), (q) =>
      q('SELECT ratio FROM discard_dataset.tasks WHERE id = 1901'),
    );
    expect(kept).toEqual({ ratio: 1901.25 });
  }, 120_000);
});
