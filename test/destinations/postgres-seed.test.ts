import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import type { NestedTask } from '../../examples/task-api/task-generator.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import {
  type DestinationTarget,
  duckdbTarget,
  postgresTarget,
  type Row,
  type TestDataset,
} from './destination-targets.js';

const URL_TEXT = process.env.TRIBUTARY_TEST_POSTGRES_URL;
const TASKS = 1234;
const TABLES = ['task_management', 'task_management__tags', 'task_management__subtasks'];

/** DuckDB's type names → what Postgres calls the same dlt type. */
const DUCKDB_TO_POSTGRES: Record<string, string> = {
  bigint: 'bigint',
  varchar: 'character varying',
  double: 'double precision',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamp with time zone',
  json: 'jsonb',
};

describe.skipIf(URL_TEXT === undefined)(
  `the seed config with --destination postgres${URL_TEXT === undefined ? ' (skipped: TRIBUTARY_TEST_POSTGRES_URL is unset)' : ''}`,
  () => {
    let api: TaskApi;
    let pg: TestDataset;
    let duck: TestDataset;
    /** Runs the built CLI on the seed config into a target; into its own dataset. */
    const runSeed = async (target: DestinationTarget, ds: TestDataset) => {
      const config = join(ds.dir, 'task_management.yaml');
      const seed = await readFile(resolve('examples/task_management.yaml'), 'utf8');
      await writeFile(config, seed.replace('http://127.0.0.1:8000', api.url));
      return runCli(['run', config, '--dataset-name', ds.dataset, '--destination', target.name], {
        cwd: ds.dir,
        env: { API_KEY: DEMO_API_KEY, TRIBUTARY_HOME: join(ds.dir, 'home'), ...ds.cliEnv },
      });
    };
    /** Every column but the random ids, rows keyed by the root's `id` and list position. */
    const snapshot = async (ds: TestDataset, table: string): Promise<Row[]> => {
      const columns = Object.keys(await ds.columnTypes(table)).filter(
        (c) => !['_dlt_id', '_dlt_load_id', '_dlt_parent_id', '_dlt_root_id'].includes(c),
      );
      const select = columns.map((c) => `t."${c}"`).join(', ');
      const sql =
        table === 'task_management'
          ? `SELECT ${select} FROM ${ds.table(table)} t ORDER BY t.id`
          : `SELECT r.id AS root_id, ${select} FROM ${ds.table(table)} t JOIN ${ds.table('task_management')} r ON t._dlt_root_id = r._dlt_id ORDER BY r.id, t._dlt_list_idx`;
      return ds.query(sql);
    };

    beforeAll(async () => {
      api = await startTaskApi({ count: TASKS, seed: 21 });
      pg = await postgresTarget.create();
      duck = await duckdbTarget.create();
    });
    afterAll(async () => {
      await api.close();
      await pg.cleanup();
      await duck.cleanup();
    });

    it('loads the seed through the CLI, the password shown nowhere', async () => {
      const result = await runSeed(postgresTarget, pg);
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`task_management\\s+${TASKS}`));
      const password = decodeURIComponent(new URL(URL_TEXT as string).password);
      expect(result.stdout + result.stderr).not.toContain(password);
      const tasks = api.tasks as NestedTask[];
      expect(
        await pg.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${pg.table('task_management')}`),
      ).toEqual([{ n: TASKS, ids: TASKS }]);
      expect(await pg.query(`SELECT count(*) AS n FROM ${pg.table('task_management__subtasks')}`)).toEqual([
        { n: tasks.reduce((n, t) => n + t.subtasks.length, 0) },
      ]);
    });

    it('writes the same tables, column types, order and values as DuckDB', async () => {
      const result = await runSeed(duckdbTarget, duck);
      expect(result.code).toBe(0);
      for (const table of TABLES) {
        const duckTypes = await duck.columnTypes(table);
        const expected = Object.fromEntries(
          Object.entries(duckTypes).map(([column, type]) => [column, DUCKDB_TO_POSTGRES[type] ?? type]),
        );
        expect(Object.entries(await pg.columnTypes(table))).toEqual(Object.entries(expected));
        const [pgRows, duckRows] = [await snapshot(pg, table), await snapshot(duck, table)];
        expect(pgRows.length).toBeGreaterThan(0);
        expect(pgRows).toEqual(duckRows);
      }
      const loads = `SELECT count(*) AS n, min(status) AS status FROM `;
      expect(await pg.query(`${loads}${pg.table('_dlt_loads')}`)).toEqual([{ n: 1, status: 0 }]);
    });

    it('a second run with unchanged data leaves every table identical', async () => {
      const before = await Promise.all(TABLES.map((t) => snapshot(pg, t)));
      const result = await runSeed(postgresTarget, pg);
      expect(result.code).toBe(0);
      expect(await Promise.all(TABLES.map((t) => snapshot(pg, t)))).toEqual(before);
      expect(await pg.query(`SELECT count(*) AS n FROM ${pg.table('_dlt_loads')}`)).toEqual([{ n: 2 }]);
    });
  },
);

describe('--destination postgres without credentials', () => {
  it('exits 2 and says which variable to set', async () => {
    const temp = await makeTempDir();
    try {
      const result = await runCli(
        ['run', resolve('examples/task_management.yaml'), '--destination', 'postgres'],
        {
          cwd: temp.dir,
          env: { API_KEY: DEMO_API_KEY, TRIBUTARY_HOME: join(temp.dir, 'home') },
        },
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('DESTINATION__POSTGRES__CREDENTIALS=postgresql://');
    } finally {
      await temp.cleanup();
    }
  });
});
