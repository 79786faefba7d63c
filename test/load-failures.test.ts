import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../examples/task-api/task-api-server.js';
import { generateTasks } from '../examples/task-api/task-generator.js';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import type { TributaryError } from '../src/errors/tributary-error.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { faultyDuckDb } from './support/faulty-destination.js';
import { makeTempDir } from './support/temp-dir.js';

describe('loads that fail', () => {
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const file = () => join(temp.dir, 'f.duckdb');
  const work = () => join(temp.dir, 'w');
  /** Merge by id; with `incremental`, only records updated after the stored cursor are kept. */
  const source = (incremental = false) =>
    restApiSource({
      client: {
        base_url: api.url,
        auth: { type: 'api_key', name: 'api_key', api_key: DEMO_API_KEY, location: 'query' },
      },
      resources: [
        {
          name: 'tasks',
          primary_key: 'id',
          write_disposition: 'merge',
          endpoint: {
            path: '/v1/tasks',
            data_selector: 'data',
            paginator: { type: 'offset', limit: 100 },
            ...(incremental
              ? { incremental: { cursor_path: 'updated_at', initial_value: '2000-01-01T00:00:00Z' } }
              : {}),
          },
        },
      ],
    });
  const run = (destination = new DuckDbDestination(file()), incremental = false) =>
    runPipeline(source(incremental), { pipelineName: 'f', destination, workingDir: work() });
  const facts = () =>
    withDuckDb(file(), async (q) => {
      const [loads] = await q('SELECT count(*) AS n FROM f_dataset._dlt_loads');
      const [state] = await q('SELECT max(version) AS v FROM f_dataset._dlt_pipeline_state');
      const [tasks] = await q(
        'SELECT count(*) AS n, max(name) FILTER (WHERE id = 7) AS seventh FROM f_dataset.tasks',
      );
      return { loads: loads?.n, stateVersion: state?.v, tasks: tasks?.n, seventh: tasks?.seventh };
    });

  beforeAll(async () => {
    api = await startTaskApi({ count: 10 });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    api.configure({ apiKey: DEMO_API_KEY });
    api.setTasks(generateTasks({ count: 150, seed: 1 }));
    await run();
    return temp.cleanup;
  });

  it('a terminal fault mid-load commits nothing, and the next run finishes the package without the API', async () => {
    const before = await facts();
    api.setTasks(generateTasks({ count: 250, seed: 1, revision: 1 }));
    const broken = faultyDuckDb(file(), { at: /INSERT INTO "f_dataset"\."tasks"/, kind: 'terminal' });
    const error = (await run(broken).catch((e: unknown) => e)) as TributaryError;
    expect(error.code).toBe('DESTINATION');
    expect(error.message).toContain('injected terminal fault');
    expect(broken.faults).toBe(1);
    expect(await facts()).toEqual(before);
    expect(await readdir(join(work(), 'load/normalized'))).toHaveLength(1);
    // The API now refuses every request: only the pending package can bring the new data.
    api.configure({ apiKey: 'another-fake-key-0000' });
    api.resetStats();
    const refused = (await run().catch((e: unknown) => e)) as TributaryError;
    expect(refused.message).toContain('401');
    expect(api.stats.requests).toBe(1);
    const after = await facts();
    expect(after).toMatchObject({ loads: 2n, tasks: 250n });
    expect(after.seventh).toBe(generateTasks({ count: 250, seed: 1, revision: 1 })[6]?.name);
    expect(await readdir(join(work(), 'load/normalized'))).toHaveLength(0);
  });

  it('a transient fault is retried within the run and the load commits once', async () => {
    api.setTasks(generateTasks({ count: 250, seed: 1, revision: 1 }));
    const flaky = faultyDuckDb(file(), {
      at: /INSERT INTO "f_dataset"\."_dlt_loads"/,
      kind: 'transient',
      times: 2,
    });
    const report = await run(flaky);
    expect(flaky.faults).toBe(2);
    expect(report.loadIds).toHaveLength(1);
    expect(await facts()).toMatchObject({ loads: 2n, tasks: 250n });
  });

  it('never moves the stored cursor past data that was not committed', async () => {
    /** The stored cursor (decoded from `_dlt_pipeline_state`) and the newest committed `updated_at`. */
    const cursorAndData = () =>
      withDuckDb(file(), async (q) => {
        const [row] = await q(
          'SELECT (SELECT state FROM f_dataset._dlt_pipeline_state ORDER BY version DESC LIMIT 1) AS state, (SELECT max(updated_at) FROM f_dataset.tasks) AS newest',
        );
        const state = JSON.parse(inflateSync(Buffer.from(String(row?.state), 'base64')).toString('utf8'));
        const cursor = state.sources.rest_api.resources.tasks.incremental.updated_at.last_value as string;
        return { cursor, newest: row?.newest as Date };
      });
    await run(new DuckDbDestination(file()), true);
    const committed = await cursorAndData();
    expect(Date.parse(committed.cursor)).toBe(committed.newest.getTime());
    api.setTasks(generateTasks({ count: 250, seed: 1, revision: 2 }));
    const failed = await run(
      faultyDuckDb(file(), { at: /_dlt_pipeline_state/, kind: 'terminal' }),
      true,
    ).catch((e: unknown) => e);
    expect((failed as TributaryError).code).toBe('DESTINATION');
    expect(await cursorAndData()).toEqual(committed);
    await run(new DuckDbDestination(file()), true);
    const finished = await cursorAndData();
    expect(finished.cursor > committed.cursor).toBe(true);
    expect(Date.parse(finished.cursor)).toBe(finished.newest.getTime());
  });
});
