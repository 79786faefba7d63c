import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * One resource gives up (a Retry-After longer than its total wait budget) while another on the same
 * host is still paging slowly: the run fails at once with the first error, instead of waiting for
 * the sibling (or sleeping out the host pause that the failed request would have set).
 */
describe('a failing resource stops its siblings', () => {
  let server: Server;
  let url: string;
  let slowRequests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/limited') {
        res.writeHead(429, { 'retry-after': '86400', 'content-type': 'application/json' }).end('{}');
        return;
      }
      // Each page of /slow takes 2 s and there is always another one.
      slowRequests++;
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: [{ id: slowRequests }], next: `/slow?page=${slowRequests + 1}` }));
      }, 2_000);
      res.once('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails within a second with the first error while a sibling resource is mid-request', async () => {
    const temp = await makeTempDir('tributary-fail-fast-');
    try {
      const source = restApiSource({
        client: {
          base_url: url,
          retry: { max_retries: 5, backoff_factor: 0.01, max_delay: 3600, max_total_wait: 2 },
        },
        resources: [
          {
            name: 'slow',
            endpoint: { path: '/slow', paginator: { type: 'json_link', next_url_path: 'next' } },
          },
          {
            name: 'limited',
            endpoint: { path: '/limited', paginator: 'single_page' },
          },
        ],
      });
      const started = performance.now();
      const run = runPipeline(source, {
        pipelineName: 'fail_fast',
        destination: new DuckDbDestination(join(temp.dir, 'db.duckdb')),
        workingDir: join(temp.dir, 'work'),
        concurrency: 2,
      });
      await expect(run).rejects.toThrow(/429.*more than 2 s in all/);
      // The slow resource's first page alone would take 2 s; its request was cut off instead.
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await temp.cleanup();
    }
  });
});
