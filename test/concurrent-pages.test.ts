import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from './support/recording-server.js';
import { makeTempDir } from './support/temp-dir.js';

const TOTAL = 1234;
let active = 0;
let peak = 0;
let rateLimited = false;
let limitedOnce = 0;

describe('concurrent pages under a shared rate budget', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const run = (concurrency: number, name: string, client: Record<string, unknown> = {}) =>
    runPipeline(
      restApiSource({
        client: { base_url: server.url, ...client },
        resources: [
          {
            name: 'items',
            primary_key: 'id',
            write_disposition: 'merge',
            endpoint: { path: 'items', data_selector: 'data', paginator: { type: 'offset', limit: 50 } },
          },
        ],
      }),
      {
        pipelineName: name,
        destination: new DuckDbDestination(join(temp.dir, `${name}.duckdb`)),
        workingDir: join(temp.dir, name),
        concurrency,
      },
    );
  const rows = (name: string) =>
    withDuckDb(join(temp.dir, `${name}.duckdb`), (q) =>
      q(`SELECT id, label FROM ${name}_dataset.items ORDER BY id`),
    );

  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': async (req) => {
        active++;
        peak = Math.max(peak, active);
        await delay(15);
        active--;
        if (rateLimited && req.query.get('offset') === '300' && limitedOnce++ === 0) {
          return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
        }
        const offset = Number(req.query.get('offset'));
        const limit = Number(req.query.get('limit'));
        const data = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, i) => ({
          id: offset + i,
          label: `item ${offset + i}`,
        }));
        return { body: { data, total: TOTAL } };
      },
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    server.reset();
    active = 0;
    peak = 0;
    rateLimited = false;
    limitedOnce = 0;
    return temp.cleanup;
  });

  it('loads the same rows with concurrency 8 as one page at a time, with requests in flight together', async () => {
    const sequential = await run(1, 'seq');
    expect(peak).toBe(1);
    const sequentialCalls = server.calls().sort();
    server.reset();
    peak = 0;
    const concurrent = await run(8, 'conc');
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
    expect(server.calls().sort()).toEqual(sequentialCalls);
    expect(concurrent.rows).toEqual(sequential.rows);
    expect(concurrent.resources[0]).toMatchObject({
      records: TOTAL,
      pages: 25,
      stopReason: `reached total ${TOTAL} items`,
    });
    expect(await rows('conc')).toEqual(await rows('seq'));
  });

  it('never exceeds the configured requests per second', async () => {
    const started = Date.now();
    await run(8, 'rps', { rate_limit: { requests_per_second: 50 } });
    // 25 requests at 50 per second cannot finish in less than 24 intervals of 20 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
    // Arrival times jitter on a busy machine, so count starts per window instead of single gaps:
    // 50 per second allows 10 in any 200 ms (2 more for jitter); unlimited, all 25 land within it.
    const arrivals = server.requests.map((r) => r.at);
    const busiest = Math.max(...arrivals.map((at) => arrivals.filter((t) => t >= at && t < at + 200).length));
    expect(busiest).toBeLessThanOrEqual(12);
  });

  it('pauses the whole host on a 429 with Retry-After and loses no page', async () => {
    rateLimited = true;
    const report = await run(8, 'storm', { retry: { backoff_factor: 0.01 } });
    expect(report.retries).toBe(1);
    expect(report.rows.items).toBe(TOTAL);
    const limited = server.requests.findIndex((r) => r.query.includes('offset=300&'));
    const after = server.requests
      .slice(limited + 1)
      .filter((r) => r.at - (server.requests[limited]?.at ?? 0) < 900);
    // Requests already in flight may land, but no new request starts during the pause.
    expect(after.length).toBeLessThanOrEqual(8);
  });
});
