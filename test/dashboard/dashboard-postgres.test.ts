import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import { type Dashboard, startDashboard } from '../../src/dashboard/dashboard-server.js';
import { PostgresSqlReader } from '../../src/dashboard/postgres-sql-reader.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { postgresTarget, type TestDataset } from '../destinations/destination-targets.js';
import { seedSource } from '../support/seed-source.js';

const URL_TEXT = process.env.TRIBUTARY_TEST_POSTGRES_URL;

describe.skipIf(postgresTarget.skipReason !== undefined)(
  `the dashboard API over Postgres${postgresTarget.skipReason ? ` (skipped: ${postgresTarget.skipReason})` : ''}`,
  () => {
    let api: TaskApi;
    let ds: TestDataset;
    let dashboard: Dashboard;
    const get = async (path: string) => {
      const response = await fetch(new URL(path, dashboard.url), { signal: AbortSignal.timeout(5_000) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    beforeAll(async () => {
      api = await startTaskApi({ count: 345, seed: 42 });
      ds = await postgresTarget.create();
      const workingDir = join(ds.dir, 'work');
      await runPipeline(seedSource(api.url, DEMO_API_KEY), {
        pipelineName: 'task_management',
        datasetName: ds.dataset,
        destination: ds.destination(),
        workingDir,
      });
      dashboard = await startDashboard(
        {
          pipelineName: 'task_management',
          workingDir,
          dataset: ds.dataset,
          reader: new PostgresSqlReader(URL_TEXT as string),
        },
        { port: 0 },
      );
    });
    afterAll(async () => {
      await dashboard?.close();
      await ds?.cleanup();
      await api?.close();
    });

    it('lists the tables with the row counts Postgres holds, and the loads', async () => {
      const { body } = await get('/api/tables');
      const shown = Object.fromEntries(
        (body.tables as Array<{ name: string; rows: number }>).map((t) => [t.name, t.rows]),
      );
      for (const table of ['task_management', 'task_management__tags', 'task_management__subtasks']) {
        const [row] = await ds.query(`SELECT count(*) AS n FROM ${ds.table(table)}`);
        expect(shown[table], table).toBe(Number(row?.n));
      }
      const pipeline = await get('/api/pipeline');
      expect(pipeline.body.destination).toMatchObject({ type: 'postgres', error: null });
      const password = new URL(URL_TEXT as string).password;
      expect(JSON.stringify(pipeline.body)).not.toContain(password);
      expect(pipeline.body.loads).toHaveLength(1);
    });

    it("filters and pages a table's rows as SQL does", async () => {
      const params = new URLSearchParams({ filter: "status = 'done'", offset: '20', limit: '20' });
      const { body } = await get(`/api/tables/task_management/rows?${params}`);
      const ids = await ds.query(
        `SELECT id FROM ${ds.table('task_management')} WHERE status = 'done' ORDER BY id LIMIT 20 OFFSET 20`,
      );
      const [count] = await ds.query(
        `SELECT count(*) AS n FROM ${ds.table('task_management')} WHERE status = 'done'`,
      );
      expect(body.total).toBe(Number(count?.n));
      expect((body.rows as Array<{ id: string }>).map((r) => Number(r.id))).toEqual(
        ids.map((r) => Number(r.id)),
      );
    });

    it('reads inside a read-only transaction', async () => {
      const reader = new PostgresSqlReader(URL_TEXT as string);
      try {
        await expect(
          reader.read((query) => query(`CREATE TABLE ${ds.table('written_by_dashboard')} (x int)`)),
        ).rejects.toThrow(/read-only transaction/);
      } finally {
        await reader.close();
      }
    });
  },
);
