import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from './support/recording-server.js';
import { makeTempDir } from './support/temp-dir.js';

/** Pages served in order by `GET /items?page=N`, for the next run. */
let pages: unknown[][] = [];

describe('types that change between pages and loads', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const file = () => join(temp.dir, 't.duckdb');
  const run = (source: Record<string, unknown> = {}) =>
    runPipeline(
      restApiSource({
        ...(Object.keys(source).length ? { source } : {}),
        client: { base_url: server.url },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: 'items',
              data_selector: 'data',
              paginator: { type: 'page_number', base_page: 1, total_path: null, stop_after_empty_page: true },
            },
          },
        ],
      }),
      { pipelineName: 'flips', destination: new DuckDbDestination(file()), workingDir: join(temp.dir, 'w') },
    );
  const columns = () =>
    withDuckDb(file(), async (q) =>
      Object.fromEntries(
        (
          await q(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'flips_dataset' AND table_name = 'items' AND column_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY ordinal_position",
          )
        ).map((r) => [r.column_name, r.data_type]),
      ),
    );
  const rows = (select: string) =>
    withDuckDb(file(), (q) => q(`SELECT ${select} FROM flips_dataset.items ORDER BY id`));

  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': (req) => ({ body: { data: pages[Number(req.query.get('page')) - 1] ?? [] } }),
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    return temp.cleanup;
  });

  it('loads an int, then a float, then a string in one column without losing a value', async () => {
    pages = [[{ id: 1, v: 3 }], [{ id: 2, v: 2.5 }], [{ id: 3, v: 'n/a' }]];
    await run();
    expect(await columns()).toEqual({ id: 'BIGINT', v: 'DOUBLE', v__v_text: 'VARCHAR' });
    expect(await rows('id, v, v__v_text')).toEqual([
      { id: 1n, v: 3, v__v_text: null },
      { id: 2n, v: 2.5, v__v_text: null },
      { id: 3n, v: null, v__v_text: 'n/a' },
    ]);
  });

  it('keeps the same flips across loads: bigint widened in place, then a variant', async () => {
    pages = [[{ id: 1, v: 3 }]];
    await run();
    pages = [[{ id: 2, v: 2.5 }]];
    await run();
    pages = [[{ id: 3, v: 'n/a' }]];
    await run();
    expect(await columns()).toEqual({ id: 'BIGINT', v: 'DOUBLE', v__v_text: 'VARCHAR' });
    expect(await rows('v, v__v_text')).toEqual([
      { v: 3, v__v_text: null },
      { v: 2.5, v__v_text: null },
      { v: null, v__v_text: 'n/a' },
    ]);
  });

  it('flattens an object, then takes a scalar of the same key into its own column', async () => {
    pages = [[{ id: 1, a: { x: 1, y: 'q' } }], [{ id: 2, a: 7 }], [{ id: 3, a: { x: 2 } }]];
    await run();
    expect(await columns()).toEqual({ id: 'BIGINT', a__x: 'BIGINT', a__y: 'VARCHAR', a: 'BIGINT' });
    expect(await rows('id, a__x, a__y, a')).toEqual([
      { id: 1n, a__x: 1n, a__y: 'q', a: null },
      { id: 2n, a__x: null, a__y: null, a: 7n },
      { id: 3n, a__x: 2n, a__y: null, a: null },
    ]);
  });

  it('creates a column seen only as null once a value arrives, in a later page or load', async () => {
    pages = [[{ id: 1, later: null }], [{ id: 2, later: null }]];
    await run();
    expect(await columns()).toEqual({ id: 'BIGINT' });
    pages = [[{ id: 3, later: null }], [{ id: 4, later: '2024-05-06T07:08:09+02:00' }]];
    await run();
    expect(await columns()).toEqual({ id: 'BIGINT', later: 'TIMESTAMP WITH TIME ZONE' });
    expect((await rows("id, strftime(later, '%Y-%m-%dT%H:%M:%S') AS later")).at(-1)).toEqual({
      id: 4n,
      later: '2024-05-06T05:08:09',
    });
  });

  it('applies the optional detectors when the source asks for them', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Served as raw JSON: the number beyond 64 bits is what only large_integer types as wei.
    await server.close();
    server = await startRecordingServer({
      'GET /items': (req) => ({
        body:
          req.query.get('page') === '1'
            ? `{"data": [{"id": 1, "day": "2024-06-01", "seen": ${now}, "big": 18446744073709551617}]}`
            : '{"data": []}',
        headers: { 'content-type': 'application/json' },
      }),
    });
    await run({ detections: ['iso_timestamp', 'iso_date', 'timestamp', 'large_integer'] });
    expect(await columns()).toEqual({
      id: 'BIGINT',
      day: 'DATE',
      seen: 'TIMESTAMP WITH TIME ZONE',
      big: 'DECIMAL(38,0)',
    });
    expect(await rows('big::VARCHAR AS big, epoch(seen)::BIGINT AS seen')).toEqual([
      { big: '18446744073709551617', seen: BigInt(now) },
    ]);
  });
});
