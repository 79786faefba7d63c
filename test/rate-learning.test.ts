import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { type RecordingServer, startRecordingServer } from './support/recording-server.js';
import { makeTempDir } from './support/temp-dir.js';

const TOTAL = 2000;
const PAGE = 10;
const LIMIT = 40;

/**
 * A server that answers only 429 and Retry-After when over its limit: a counter per second of its
 * own clock, which its `Date` header shows. Its clock is set at the first request so that its
 * second turns 100 ms later: the first refusal comes in the second window, and the second before it
 * holds what both windows accepted.
 */
let skewMs: number | undefined;
let window = -1;
let used = 0;
const refusedAt: number[] = [];

describe('a rate learned from bare 429s', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': async (req) => {
        const now = Date.now();
        skewMs ??= (now + 100) % 1000;
        const serverNow = now - skewMs;
        const date = new Date(serverNow).toUTCString();
        const second = Math.floor(serverNow / 1000);
        if (second !== window) {
          window = second;
          used = 0;
        }
        if (used >= LIMIT) {
          refusedAt.push(now);
          return { status: 429, headers: { 'retry-after': '1', date }, body: { error: 'slow down' } };
        }
        used++;
        await delay(10);
        const offset = Number(req.query.get('offset'));
        const data = Array.from({ length: Math.max(0, Math.min(PAGE, TOTAL - offset)) }, (_, i) => ({
          id: offset + i,
        }));
        return { headers: { date }, body: { data, total: TOTAL } };
      },
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    return temp.cleanup;
  });

  it("learns a fixed window's limit from the server's Date after one refusal, and is not refused again", async () => {
    const report = await runPipeline(
      restApiSource({
        client: { base_url: server.url },
        resources: [
          {
            name: 'items',
            primary_key: 'id',
            endpoint: { path: 'items', data_selector: 'data', paginator: { type: 'offset', limit: PAGE } },
          },
        ],
      }),
      {
        pipelineName: 'learn',
        destination: new DuckDbDestination(join(temp.dir, 'learn.duckdb')),
        workingDir: join(temp.dir, 'work'),
        concurrency: 8,
      },
    );
    expect(report.rows.items).toBe(TOTAL);
    expect(refusedAt.length).toBeGreaterThan(0);
    // The requests in flight when the first 429 came may be refused with it; after the pause, none.
    const first = refusedAt[0] ?? 0;
    expect(refusedAt.filter((at) => at > first + 500)).toEqual([]);
  });
});
