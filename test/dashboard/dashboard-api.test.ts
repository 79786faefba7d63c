import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretRegistry } from '../../src/config/secret-registry.js';
import { type Dashboard, startDashboard } from '../../src/dashboard/dashboard-server.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_DATASET, type DemoPipeline, loadDemoPipeline } from './demo-pipeline.js';

/** A GET (or another method) with a chosen Host header, which fetch does not let a caller set. */
function rawRequest(url: string, options: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.host ? { host: options.host } : {},
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard API', () => {
  let demo: DemoPipeline;
  let dashboard: Dashboard;
  const get = async (path: string) => {
    const response = await fetch(new URL(path, dashboard.url), { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const rows = (table: string, params: Record<string, string> = {}) =>
    get(`/api/tables/${encodeURIComponent(table)}/rows?${new URLSearchParams(params)}`);
  const taskCount = () =>
    withDuckDb(demo.file, async (query) =>
      Number((await query(`SELECT count(*) AS n FROM ${DEMO_DATASET}.task_management`))[0]?.n),
    );

  beforeAll(async () => {
    demo = await loadDemoPipeline();
    dashboard = await startDashboard(demo.source(), { port: 0 });
  });
  afterAll(async () => {
    await dashboard?.close();
    await demo?.cleanup();
  });

  it('listens on 127.0.0.1 and refuses requests addressed to any other host name', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const rebound = await rawRequest(new URL('/api/tables', dashboard.url).href, {
      host: `attacker.example:${dashboard.port}`,
    });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('task_management');
    const local = await rawRequest(new URL('/api/tables', dashboard.url).href, {
      host: `localhost:${dashboard.port}`,
    });
    expect(local.status).toBe(200);
  });

  it('answers GET only', async () => {
    const posted = await rawRequest(new URL('/api/tables', dashboard.url).href, { method: 'POST' });
    expect(posted.status).toBe(405);
  });

  it('serves no file outside its own list', async () => {
    for (const path of [
      '/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/dashboard-server.ts',
      '/vendor/',
    ]) {
      expect((await rawRequest(new URL(path, dashboard.url).href)).status).toBe(404);
    }
    expect((await rawRequest(new URL('/vendor/preact.mjs', dashboard.url).href)).status).toBe(200);
  });

  it('refuses a table that is not in the dataset, whatever its name holds', async () => {
    const injected = await rows('task_management"; DROP TABLE task_management; --');
    expect(injected.status).toBe(404);
    expect(injected.body.error).toMatch(/^no table "task_management"; DROP TABLE/);
    expect(await taskCount()).toBe(345);
  });

  it('binds the filter value: quotes in it match nothing and change nothing', async () => {
    const injected = await rows('task_management', { filter: "status = done' OR '1'='1" });
    expect(injected.status).toBe(200);
    expect(injected.body.total).toBe(0);
    const dropped = await rows('task_management', { filter: "status = x'; DROP TABLE task_management; --" });
    expect(dropped.body.total).toBe(0);
    expect(await taskCount()).toBe(345);
  });

  it('refuses a filter on a column the table lacks, and a filter without an operator', async () => {
    const unknown = await rows('task_management', { filter: 'id" IS NOT NULL OR "id = 1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(
      /^no column "id" IS NOT NULL OR "id" in this table; columns: id, name, status/,
    );
    expect((await rows('task_management', { filter: 'status done' })).status).toBe(400);
  });

  it('refuses an offset or limit that is not a whole number in range', async () => {
    for (const params of [{ limit: '201' }, { limit: '1; DROP' }, { offset: '-1' }, { offset: '0.5' }]) {
      const answer = await rows('task_management', params);
      expect(answer.status).toBe(400);
    }
    const last = await rows('task_management', { offset: '340', limit: '200' });
    expect(last.body).toMatchObject({ offset: 340, total: 345 });
    expect(last.body.rows).toHaveLength(5);
  });

  it('leaves the database free between requests: a run loads while the dashboard is up', async () => {
    expect((await get('/api/pipeline')).body.loads).toHaveLength(1);
    await demo.run();
    const pipeline = await get('/api/pipeline');
    const loads = pipeline.body.loads as Array<{ loadId: string; status: number; rowsLoaded: unknown }>;
    expect(loads).toHaveLength(2);
    expect(loads.map((l) => l.status)).toEqual([0, 0]);
    expect(loads[1]?.rowsLoaded).toMatchObject({ task_management: 345 });
  });

  it('reports a database another process holds as busy (503), and reads it again once it is free', async () => {
    // A writer in another process: DuckDB lets nobody else open the file meanwhile.
    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(process.argv[1]); console.log('holding'); setTimeout(() => {}, 30000);",
        demo.file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the lock holder did not start in 10 s')), 10_000);
        holder.stdout?.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const busy = await rows('task_management');
      expect(busy.status).toBe(503);
      expect(busy.body.error).toMatch(/a running pipeline holds it/);
      const tables = await get('/api/tables');
      expect(tables.status).toBe(200);
      expect(tables.body.error).toMatch(/a running pipeline holds it/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    expect((await rows('task_management')).body.total).toBe(345);
  });

  it('masks registered secrets in every answer', async () => {
    const secret = 'dashboard-test-secret-4711';
    secretRegistry.add(secret);
    const temp = await makeTempDir();
    const other = await startDashboard({ ...demo.source(), workingDir: temp.dir }, { port: 0 });
    try {
      const trace = {
        pipeline: 'task_management',
        startedAt: '2024-01-01T00:00:00.000Z',
        finishedAt: '2024-01-01T00:00:01.000Z',
        status: 'failed',
        steps: [],
        resources: [],
        requests: 0,
        retries: 0,
        loads: [],
        warnings: [`a warning naming ${secret}`],
        retryLog: [],
        error: { code: 'HTTP_STATUS', message: `GET http://api/?token=${secret} failed` },
      };
      await writeFile(join(temp.dir, 'trace.json'), JSON.stringify(trace));
      const response = await fetch(new URL('/api/pipeline', other.url), {
        signal: AbortSignal.timeout(5_000),
      });
      const text = await response.text();
      expect(text).not.toContain(secret);
      expect(JSON.parse(text).lastRun.error.message).toBe('GET http://api/?token=*** failed');
    } finally {
      await other.close();
      await temp.cleanup();
    }
  });
});
