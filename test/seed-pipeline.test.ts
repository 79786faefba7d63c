import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../examples/task-api/task-api-server.js';
import { generateTasks, type NestedTask } from '../examples/task-api/task-generator.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { seedSource } from './support/seed-source.js';
import { makeTempDir } from './support/temp-dir.js';

const TASKS = 2345;
const ROOT = 'task_management_dataset.task_management';

/** Microseconds since the epoch of an ISO timestamp (naive = UTC), for comparing with DuckDB values. */
function isoToEpochMs(iso: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

describe('the seed pipeline into DuckDB', () => {
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let file: string;
  const run = () =>
    runPipeline(seedSource(api.url, DEMO_API_KEY, { backoffFactor: 0.05 }), {
      pipelineName: 'task_management',
      destination: new DuckDbDestination(file),
      workingDir: join(temp.dir, 'work'),
    });

  beforeAll(async () => {
    temp = await makeTempDir();
    file = join(temp.dir, 'task_management.duckdb');
    api = await startTaskApi({
      count: TASKS,
      seed: 11,
      // This fault seed gives a 429 with Retry-After, a 503 and a dropped connection in one run.
      faults: { rate: 0.1, seed: 10, retryAfter: 1 },
    });
  });
  afterAll(async () => {
    await api.close();
    await temp.cleanup();
  });

  it('loads every task exactly once through 10% transient faults, with matching child rows', async () => {
    const report = await run();
    expect(report.retries).toBeGreaterThan(0);
    expect(api.stats.byStatus['429'] ?? 0).toBeGreaterThan(0);
    expect(api.stats.byStatus['503'] ?? 0).toBeGreaterThan(0);
    expect(api.stats.dropped).toBeGreaterThan(0);
    expect(report.retries).toBe(
      (api.stats.byStatus['429'] ?? 0) + (api.stats.byStatus['503'] ?? 0) + api.stats.dropped,
    );
    const tasks = api.tasks as NestedTask[];
    const tags = tasks.reduce((n, t) => n + t.tags.length, 0);
    const subtasks = tasks.reduce((n, t) => n + t.subtasks.length, 0);
    expect(report.rows).toEqual({
      task_management: TASKS,
      task_management__tags: tags,
      task_management__subtasks: subtasks,
    });
    await withDuckDb(file, async (query) => {
      const [counts] = await query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${ROOT}`);
      expect(counts).toEqual({ n: BigInt(TASKS), ids: BigInt(TASKS) });
      const [children] = await query(`SELECT
          (SELECT count(*) FROM task_management_dataset.task_management__tags) AS tags,
          (SELECT count(*) FROM task_management_dataset.task_management__subtasks) AS subtasks,
          (SELECT count(*) FROM task_management_dataset.task_management__tags t
             LEFT JOIN ${ROOT} r ON t._dlt_root_id = r._dlt_id AND t._dlt_parent_id = r._dlt_id
             WHERE r._dlt_id IS NULL) AS orphans`);
      expect(children).toEqual({ tags: BigInt(tags), subtasks: BigInt(subtasks), orphans: 0n });
      const [loads] = await query(
        'SELECT count(*) AS n, min(status) AS status FROM task_management_dataset._dlt_loads',
      );
      expect(loads).toEqual({ n: 1n, status: 0n });
    });
  });

  it('stores the values and types the API served', async () => {
    await withDuckDb(file, async (query) => {
      const types = await query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = 'task_management_dataset' AND table_name = 'task_management' ORDER BY ordinal_position`,
      );
      const byName = Object.fromEntries(types.map((c) => [c.column_name, `${c.data_type} ${c.is_nullable}`]));
      expect(byName).toMatchObject({
        id: 'BIGINT NO',
        name: 'VARCHAR NO',
        status: 'VARCHAR YES',
        created_at: 'TIMESTAMP WITH TIME ZONE YES',
        updated_at: 'TIMESTAMP WITH TIME ZONE YES',
        priority: 'BIGINT YES',
        estimate_hours: 'DOUBLE YES',
        due_date: 'VARCHAR YES',
        assignee__name: 'VARCHAR YES',
        _dlt_load_id: 'VARCHAR NO',
        _dlt_id: 'VARCHAR NO',
      });
      expect(types.slice(0, 4).map((c) => c.column_name)).toEqual(['id', 'name', 'status', 'created_at']);
      // System columns follow the first record's columns; columns first seen later come after them.
      const names = types.map((c) => c.column_name);
      expect(names.indexOf('_dlt_id')).toBe(names.indexOf('_dlt_load_id') + 1);
      const rows = await query(
        `SELECT id, name, status, epoch_ms(created_at) AS created_ms, estimate_hours, due_date, description,
                assignee__name, assignee__email FROM ${ROOT} ORDER BY id`,
      );
      const tasks = api.tasks as NestedTask[];
      expect(rows).toHaveLength(tasks.length);
      rows.forEach((row, i) => {
        const task = tasks[i]!;
        expect(row).toEqual({
          id: BigInt(task.id),
          name: task.name,
          status: task.status,
          created_ms: BigInt(isoToEpochMs(task.created_at)),
          estimate_hours: task.estimate_hours,
          due_date: task.due_date,
          description: task.description,
          assignee__name: task.assignee?.name ?? null,
          assignee__email: task.assignee?.email ?? null,
        });
      });
      const tags = await query(
        `SELECT r.id, t.value, t._dlt_list_idx AS idx FROM task_management_dataset.task_management__tags t
         JOIN ${ROOT} r ON t._dlt_parent_id = r._dlt_id ORDER BY r.id, idx`,
      );
      const expected = tasks.flatMap((task) =>
        task.tags.map((value, idx) => ({ id: BigInt(task.id), value, idx: BigInt(idx) })),
      );
      expect(tags).toEqual(expected);
    });
  });

  it('leaves every table identical when the data did not change', async () => {
    const snapshot = () =>
      withDuckDb(file, (query) =>
        Promise.all([
          query(`SELECT * EXCLUDE (_dlt_load_id, _dlt_id) FROM ${ROOT} ORDER BY id`),
          query(`SELECT r.id, c.* EXCLUDE (_dlt_id, _dlt_parent_id, _dlt_root_id) FROM task_management_dataset.task_management__subtasks c
                 JOIN ${ROOT} r ON c._dlt_root_id = r._dlt_id ORDER BY r.id, c._dlt_list_idx`),
          query(`SELECT r.id, c.* EXCLUDE (_dlt_id, _dlt_parent_id, _dlt_root_id) FROM task_management_dataset.task_management__tags c
                 JOIN ${ROOT} r ON c._dlt_root_id = r._dlt_id ORDER BY r.id, c._dlt_list_idx`),
        ]),
      );
    const before = await snapshot();
    await run();
    expect(await snapshot()).toEqual(before);
    await withDuckDb(file, async (query) => {
      const [loads] = await query('SELECT count(*) AS n FROM task_management_dataset._dlt_loads');
      expect(loads).toEqual({ n: 2n });
    });
  });

  it('keeps each task once, in its new version with its new child rows, after the API changed', async () => {
    const revised = generateTasks({ count: TASKS + 55, seed: 11, revision: 1 }) as NestedTask[];
    const original = api.tasks as NestedTask[];
    const changed = original.filter((t, i) => JSON.stringify(t) !== JSON.stringify(revised[i]));
    expect(changed.length).toBeGreaterThan(100);
    api.setTasks(revised);
    await run();
    await withDuckDb(file, async (query) => {
      const rows = await query(`SELECT id, name, status FROM ${ROOT} ORDER BY id`);
      expect(rows).toEqual(revised.map((t) => ({ id: BigInt(t.id), name: t.name, status: t.status })));
      const subtasks = await query(
        `SELECT r.id, s.title, s.done FROM task_management_dataset.task_management__subtasks s
         JOIN ${ROOT} r ON s._dlt_root_id = r._dlt_id ORDER BY r.id, s._dlt_list_idx`,
      );
      expect(subtasks).toEqual(
        revised.flatMap((t) => t.subtasks.map((s) => ({ id: BigInt(t.id), title: s.title, done: s.done }))),
      );
    });
  });
});
