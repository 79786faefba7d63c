import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../examples/task-api/task-api-server.js';
import { generateTasks, type NestedTask, type Task } from '../examples/task-api/task-generator.js';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../src/errors/tributary-error.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { seedSource } from './support/seed-source.js';
import { makeTempDir } from './support/temp-dir.js';

const ROOT = 'tasks_dataset.task_management';

describe('pipeline behaviour on a real DuckDB file', () => {
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let file: string;
  const run = (source = seedSource(api.url, DEMO_API_KEY, { backoffFactor: 0.01 })) =>
    runPipeline(source, {
      pipelineName: 'tasks',
      destination: new DuckDbDestination(file),
      workingDir: join(temp.dir, 'work'),
    });
  const query = (sql: string) => withDuckDb(file, (q) => q(sql));

  beforeAll(async () => {
    api = await startTaskApi({ count: 10 });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    file = join(temp.dir, 'tasks.duckdb');
    api.configure({ faults: null, latencyMs: 0, bodyMode: 'json' });
    return temp.cleanup;
  });

  it('loads ids beyond 2^53 exactly', async () => {
    const first = 2n ** 60n + 1n;
    api.setTasks(generateTasks({ count: 250, seed: 2, firstId: first }));
    await run();
    const rows = await query(`SELECT id, id::VARCHAR AS text FROM ${ROOT} ORDER BY id`);
    expect(rows).toHaveLength(250);
    expect(rows[0]).toEqual({ id: first, text: first.toString() });
    expect(rows[249]).toEqual({ id: first + 249n, text: (first + 249n).toString() });
  });

  it('widens a whole-number column to double when a later load brings fractions, keeping every value', async () => {
    const tasks = generateTasks({ count: 400, seed: 4 }) as NestedTask[];
    api.setTasks(tasks.slice(0, 150));
    await run();
    const typeOf = async () =>
      (
        await query(
          `SELECT data_type FROM information_schema.columns WHERE table_schema = 'tasks_dataset' AND table_name = 'task_management' AND column_name = 'estimate_hours'`,
        )
      )[0]?.data_type;
    expect(await typeOf()).toBe('BIGINT');
    api.setTasks(tasks);
    await run();
    expect(await typeOf()).toBe('DOUBLE');
    const rows = await query(`SELECT id, estimate_hours FROM ${ROOT} ORDER BY id`);
    expect(rows.map((r) => r.estimate_hours)).toEqual(tasks.map((t) => t.estimate_hours));
    expect(tasks.slice(150).some((t) => !Number.isInteger(t.estimate_hours))).toBe(true);
  });

  it('fails a record that breaks a not-null hint, naming resource, column and key, and commits nothing', async () => {
    const tasks = generateTasks({ count: 120, seed: 5 });
    api.setTasks(tasks);
    await run();
    const broken = tasks.map((t) => (t.id === 117 ? { ...t, name: null } : t)) as unknown as Task[];
    api.setTasks(broken);
    const failure = await run().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TributaryError);
    expect((failure as Error).message).toBe(
      'resource task_management, record id=117: column task_management.name is null but declared not nullable',
    );
    expect(await query(`SELECT count(*) AS n FROM tasks_dataset._dlt_loads`)).toEqual([{ n: 1n }]);
  });

  it('deduplicates a primary key served twice in one load: the last one served wins', async () => {
    const tasks = generateTasks({ count: 5, seed: 6 }) as NestedTask[];
    const newer = { ...tasks[2]!, name: 'served again', tags: ['again'] };
    api.setTasks([...tasks, newer]);
    await run();
    expect(await query(`SELECT id, name FROM ${ROOT} WHERE id = ${tasks[2]!.id}`)).toEqual([
      { id: BigInt(tasks[2]!.id), name: 'served again' },
    ]);
    const tags = await query(
      `SELECT t.value FROM tasks_dataset.task_management__tags t JOIN ${ROOT} r ON t._dlt_root_id = r._dlt_id WHERE r.id = ${tasks[2]!.id}`,
    );
    expect(tags).toEqual([{ value: 'again' }]);
  });

  /** The task resource without the seed's hints, with chosen resource and client settings. */
  const taskSource = (resource: Record<string, unknown> = {}, client: Record<string, unknown> = {}) =>
    restApiSource({
      client: {
        base_url: api.url,
        auth: { type: 'api_key', name: 'api_key', api_key: DEMO_API_KEY, location: 'query' },
        ...client,
      },
      resources: [
        {
          name: 'task_management',
          endpoint: { path: '/v1/tasks', paginator: { type: 'offset', limit: 100 } },
          ...resource,
        },
      ],
    });
  const withDisposition = (write_disposition: 'append' | 'replace') => taskSource({ write_disposition });

  it('appends on every run with append', async () => {
    api.setTasks(generateTasks({ count: 130, seed: 7 }));
    await run(withDisposition('append'));
    await run(withDisposition('append'));
    expect(await query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${ROOT}`)).toEqual([
      { n: 260n, ids: 130n },
    ]);
  });

  it('replaces the table and its child tables with replace', async () => {
    api.setTasks(generateTasks({ count: 130, seed: 8 }));
    await run(withDisposition('replace'));
    const fewer = (generateTasks({ count: 40, seed: 9 }) as NestedTask[]).map((t) => ({ ...t, tags: [] }));
    api.setTasks(fewer);
    await run(withDisposition('replace'));
    expect(await query(`SELECT count(*) AS n FROM ${ROOT}`)).toEqual([{ n: 40n }]);
    expect(await query('SELECT count(*) AS n FROM tasks_dataset.task_management__tags')).toEqual([{ n: 0n }]);
  });

  it('cuts off a response slower than the total deadline and retries it', async () => {
    api.setTasks(generateTasks({ count: 3, seed: 1 }));
    api.configure({ latencyMs: 1500 });
    const source = taskSource(
      { endpoint: { path: '/v1/tasks', paginator: 'single_page' } },
      { timeout: 0.3, retry: { max_retries: 1, backoff_factor: 0.01 } },
    );
    const started = Date.now();
    const failure = await run(source).catch((e: unknown) => e);
    expect((failure as TributaryError).code).toBe('HTTP_TIMEOUT');
    expect((failure as Error).message).toMatch(/no complete response within 0.3 s after 2 attempts/);
    expect((failure as Error).message).toContain('api_key=***');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('finds the records without a data_selector and stops on the total', async () => {
    api.setTasks(generateTasks({ count: 230, seed: 10 }));
    const report = await run(taskSource());
    expect(report.resources[0]).toMatchObject({
      records: 230,
      pages: 3,
      stopReason: 'reached total 230 items',
    });
  });
});
