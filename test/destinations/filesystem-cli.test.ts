import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const SEED_YAML = resolve('examples/task_management.yaml');

describe('tributary run --destination filesystem', () => {
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let seed: string;
  const lake = () => join(temp.dir, 'lake');
  const env = (home: string, extra: Record<string, string> = {}) => ({
    API_KEY: DEMO_API_KEY,
    TRIBUTARY_HOME: join(temp.dir, home),
    DESTINATION__FILESYSTEM__BUCKET_URL: lake(),
    ...extra,
  });
  /** The seed config pointed at the test API; `append` instead of the seed's merge where asked. */
  const config = async (name: string, disposition: 'merge' | 'append') => {
    const path = join(temp.dir, name);
    const text = seed.replace('http://127.0.0.1:8000', api.url);
    await writeFile(
      path,
      disposition === 'merge' ? text : text.replace('write_disposition: merge', 'write_disposition: append'),
    );
    return path;
  };

  beforeAll(async () => {
    api = await startTaskApi({ count: 345, seed: 3 });
    seed = await readFile(SEED_YAML, 'utf8');
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    api.resetStats();
    return temp.cleanup;
  });

  it('writes the seed demo as Parquet that DuckDB reads back equal to the DuckDB destination tables', async () => {
    const tasks = await config('tasks.yaml', 'append');
    const duck = await runCli(['run', tasks], { cwd: temp.dir, env: env('home-duckdb') });
    expect(duck.code).toBe(0);
    const files = await runCli(['run', tasks, '--destination', 'filesystem'], {
      cwd: temp.dir,
      env: env('home-fs'),
    });
    expect(files.stderr).not.toMatch(/error|warning/i);
    expect(files.code).toBe(0);
    expect(files.stdout).toContain(`loaded into filesystem (${lake()}), dataset tasks_dataset`);
    expect(files.stdout).toMatch(/task_management\s+345/);
    await withDuckDb(join(temp.dir, 'tasks.duckdb'), async (query) => {
      const tables = (
        await query(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'tasks_dataset' AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1",
        )
      ).map((r) => String(r.name));
      expect(tables).toEqual(['task_management', 'task_management__subtasks', 'task_management__tags']);
      const parquet = (table: string) => `read_parquet('${lake()}/tasks_dataset/${table}/*.parquet')`;
      for (const table of tables) {
        // Same columns, in the same order, with the same types.
        const describe = async (from: string) =>
          (await query(`DESCRIBE SELECT * FROM ${from}`)).map((c) => `${c.column_name} ${c.column_type}`);
        expect(await describe(parquet(table))).toEqual(await describe(`tasks_dataset.${table}`));
        // Same rows; row keys and load ids differ between any two loads, so child rows are tied to
        // their parent's id instead.
        const rows = (from: string) =>
          table === 'task_management'
            ? `SELECT * EXCLUDE (_dlt_id, _dlt_load_id) FROM ${from}`
            : `SELECT c.* EXCLUDE (_dlt_id, _dlt_parent_id), p.id AS parent FROM ${from} AS c JOIN ${from === parquet(table) ? parquet('task_management') : 'tasks_dataset.task_management'} AS p ON c._dlt_parent_id = p._dlt_id`;
        const [diff] = await query(
          `SELECT (SELECT count(*) FROM (${rows(parquet(table))} EXCEPT ALL ${rows(`tasks_dataset.${table}`)})) AS extra,
                  (SELECT count(*) FROM (${rows(`tasks_dataset.${table}`)} EXCEPT ALL ${rows(parquet(table))})) AS missing,
                  (SELECT count(*) FROM ${parquet(table)}) AS n, (SELECT count(*) FROM tasks_dataset.${table}) AS expected`,
        );
        expect({ table, ...diff }).toEqual({
          table,
          extra: 0n,
          missing: 0n,
          n: diff?.expected,
          expected: diff?.n,
        });
        expect(diff?.n).toBeGreaterThan(0n);
      }
    });
    const info = await runCli(['pipeline', 'tasks', 'info', '--json', '--destination', 'filesystem'], {
      cwd: temp.dir,
      env: env('home-fs'),
    });
    expect(info.code).toBe(0);
    const facts = JSON.parse(info.stdout) as { dataset?: { tables: Array<{ name: string; rows: number }> } };
    expect(JSON.stringify(facts)).toContain('"name":"task_management","rows":345');
    const loads = await readdir(join(lake(), 'tasks_dataset/_dlt_loads'));
    expect(loads).toHaveLength(1);
    const doc = JSON.parse(await readFile(join(lake(), 'tasks_dataset/_dlt_loads', loads[0] ?? ''), 'utf8'));
    expect(doc).toMatchObject({ schema_name: 'rest_api', status: 0 });
    expect(files.stdout).toContain(doc.load_id);
  });

  it('refuses the seed as written (merge) before any request, exit 2, naming duckdb and postgres', async () => {
    const tasks = await config('tasks.yaml', 'merge');
    const result = await runCli(['run', tasks, '--destination', 'filesystem'], {
      cwd: temp.dir,
      env: env('home'),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('task_management have write_disposition merge');
    expect(result.stderr).toContain('(duckdb, postgres)');
    expect(api.stats.requests).toBe(0);
    expect(await readdir(temp.dir)).not.toContain('lake');
  });

  it('exits 2 without a bucket_url, saying which variable to set', async () => {
    const tasks = await config('tasks.yaml', 'append');
    const { DESTINATION__FILESYSTEM__BUCKET_URL: _, ...withoutBucket } = env('home');
    const result = await runCli(['run', tasks, '--destination', 'filesystem'], {
      cwd: temp.dir,
      env: withoutBucket,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('set DESTINATION__FILESYSTEM__BUCKET_URL');
  });

  it('exits 2 for a loader_file_format it does not write', async () => {
    const tasks = await config('tasks.yaml', 'append');
    const result = await runCli(['run', tasks, '--destination', 'filesystem'], {
      cwd: temp.dir,
      env: env('home', { DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: 'csv' }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('loader_file_format "csv" is not supported');
  });
});
