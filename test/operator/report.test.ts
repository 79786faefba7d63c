import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { RunReportFile } from '../../src/pipeline/run-report-file.js';
import { DATASET, records, slice, useRestApiHarness } from '../rest-api/rest-api-harness.js';
import { runCli } from '../support/run-cli.js';

const KEY = 'report-test-key-5f3a9c1e';
const TOTAL = 250;
const ITEMS = records(TOTAL).map((item) => ({ ...item, tags: [`t${item.id % 3}`, 'all'] }));

/** `/items` pages of 100 with a total; the page at offset 100 answers 503 twice first. */
function itemsApi(h: ReturnType<typeof useRestApiHarness>) {
  const sent = { bytes: 0, failures: 2 };
  const reply = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    sent.bytes += Buffer.byteLength(text);
    return { status, headers: { 'content-type': 'application/json' }, body: text };
  };
  return {
    sent,
    serve: () =>
      h.serve({
        'GET /items': ({ query }) => {
          if (query.get('api_key') !== KEY) return reply(401, { error: 'bad key' });
          const offset = Number(query.get('offset'));
          if (offset === 100 && sent.failures > 0) {
            sent.failures--;
            return reply(503, { error: 'busy' });
          }
          return reply(200, { data: slice(ITEMS, offset, 100), total: TOTAL });
        },
      }),
  };
}

const config = (url: string) => ({
  client: {
    base_url: url,
    auth: { type: 'api_key', name: 'api_key', api_key: KEY, location: 'query' },
    retry: { max_retries: 3, backoff_factor: 0.02, status_codes: [503] },
  },
  resources: [
    {
      name: 'items',
      primary_key: 'id',
      endpoint: { path: '/items', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
    },
  ],
});

describe('run report', () => {
  const h = useRestApiHarness();
  const run = (cfg: unknown, report: string) =>
    runPipeline(h.source(cfg), {
      pipelineName: 'rest',
      destination: new DuckDbDestination(h.paths().file),
      workingDir: h.paths().workingDir,
      concurrency: 1,
      report,
    });
  const readReport = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as RunReportFile;

  it('holds what the server saw: requests, retries on 503s, pages, records, bytes, stop reason, rows per table', async () => {
    const api = itemsApi(h);
    const server = await api.serve();
    const path = join(h.paths().dir, 'out', 'run.json');
    const returned = await run(config(server.url), path);
    const file = await readReport(path);
    expect(file.format).toBe('tributary.run-report');
    expect(file.version).toBe(1);
    expect({ ...file, format: undefined, version: undefined }).toEqual({
      ...returned,
      format: undefined,
      version: undefined,
    });

    expect(file.status).toBe('completed');
    expect(file.exitCode).toBe(0);
    expect(file.errors).toEqual([]);
    const [items] = file.resources;
    expect(file.resources).toHaveLength(1);
    // 3 pages, the second one after two 503s: 5 requests reached the server.
    expect(server.requests).toHaveLength(5);
    expect(items).toMatchObject({
      name: 'items',
      requests: 5,
      retries: 2,
      pages: 3,
      records: TOTAL,
      responses: { '200': 3, '503': 2 },
      bytes: api.sent.bytes,
      stopReason: 'reached total 250 items',
      errors: [],
    });
    expect(file.requests).toBe(5);
    expect(file.retries).toBe(2);
    expect(file.bytes).toBe(api.sent.bytes);
    // Two backoff waits of ~20 ms and ~40 ms (±20% jitter) are the rate-limit time.
    expect(items?.timings.backoffMs).toBeGreaterThanOrEqual(40);
    expect(items?.timings.rateLimitMs).toBeGreaterThanOrEqual(items?.timings.backoffMs ?? 0);
    expect(items?.timings.requestMs).toBeGreaterThan(0);
    expect(items?.timings.normalizeMs).toBeGreaterThan(0);
    expect(file.timings.loadMs).toBeGreaterThan(0);
    expect(file.timings.steps.map((s) => s.step)).toEqual(['open', 'finish pending', 'extract', 'load']);

    const counts = await h.query(
      `SELECT (SELECT count(*) FROM ${DATASET}.items) AS items, (SELECT count(*) FROM ${DATASET}.items__tags) AS tags`,
    );
    expect(file.rows).toEqual({ items: counts[0]?.items, items__tags: counts[0]?.tags });
    expect(file.rows).toEqual({ items: TOTAL, items__tags: 2 * TOTAL });
    const [load] = await h.query(`SELECT load_id FROM ${DATASET}._dlt_loads`);
    expect(file.loadId).toBe(load?.load_id);
    expect(file.loadIds).toEqual([load?.load_id]);

    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(KEY);
  });

  it('is written when the run fails, with the error under the run and its resource, secrets masked', async () => {
    const server = await h.serve({
      'GET /items': ({ query }) => ({
        status: 401,
        body: { error: `key ${query.get('api_key')} is not valid` },
      }),
    });
    const path = join(h.paths().dir, 'failed.json');
    await expect(run(config(server.url), path)).rejects.toThrow(/401/);
    const file = await readReport(path);
    expect(file.status).toBe('failed');
    expect(file.exitCode).toBe(1);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0]).toMatchObject({ code: 'HTTP_STATUS', status: 401, retryable: false });
    expect(file.errors[0]?.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/items\?.*api_key=\*\*\*.*401/);
    expect(file.resources[0]).toMatchObject({ name: 'items', requests: 1, responses: { '401': 1 } });
    expect(file.resources[0]?.errors).toEqual(file.errors);
    expect(file.loadIds).toEqual([]);
    expect(file.timings.steps.at(-1)).toMatchObject({ step: 'extract', ok: false });
    expect(await readFile(path, 'utf8')).not.toContain(KEY);
  });

  it('tributary run --report writes the report; a config error before the run still leaves one (exit 2)', async () => {
    const api = itemsApi(h);
    const server = await api.serve();
    const dir = h.paths().dir;
    const cfg = config(server.url);
    cfg.client.auth.api_key = '{secrets.api_key}';
    const file = join(dir, 'items.json');
    await writeFile(file, JSON.stringify(cfg));
    const env = { TRIBUTARY_HOME: join(dir, 'home') };

    const ok = await runCli(['run', file, '--quiet', '--report', 'run.json'], {
      cwd: dir,
      env: { ...env, API_KEY: KEY },
    });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const report = await readReport(join(dir, 'run.json'));
    expect(report).toMatchObject({ status: 'completed', exitCode: 0, requests: server.requests.length });
    expect(report.rows).toEqual({ items: TOTAL, items__tags: 2 * TOTAL });

    const missing = await runCli(['run', file, '--report', 'missing.json'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    const failed = await readReport(join(dir, 'missing.json'));
    expect(failed).toMatchObject({ status: 'failed', exitCode: 2, pipeline: 'items', requests: 0 });
    expect(failed.errors[0]?.code).toBe('SECRET_MISSING');
  });
});
