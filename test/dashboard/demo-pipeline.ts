import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import type { DashboardSource } from '../../src/dashboard/dashboard-api.js';
import { DuckDbSqlReader } from '../../src/dashboard/duckdb-sql-reader.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { RunReport } from '../../src/pipeline/run-report.js';
import { seedSource } from '../support/seed-source.js';
import { makeTempDir } from '../support/temp-dir.js';

export const DEMO_PIPELINE = 'task_management';
export const DEMO_DATASET = 'task_management_dataset';

/** The demo task API synced into a DuckDB file, laid out as the CLI finds it (cwd + home). */
export interface DemoPipeline {
  /** Holds `task_management.duckdb`: the CLI's working directory. */
  dir: string;
  /** `--home`: the working folder is `<home>/pipelines/task_management`. */
  home: string;
  workingDir: string;
  file: string;
  api: TaskApi;
  /** Runs the seed pipeline once more (with another API key to make it fail). */
  run(apiKey?: string): Promise<RunReport>;
  /** What `startDashboard` needs to show the pipeline. */
  source(): DashboardSource;
  cleanup(): Promise<void>;
}

export async function loadDemoPipeline(tasks = 345): Promise<DemoPipeline> {
  const temp = await makeTempDir('tributary-dashboard-');
  const home = join(temp.dir, 'home');
  const workingDir = join(home, 'pipelines', DEMO_PIPELINE);
  await mkdir(workingDir, { recursive: true });
  const file = join(temp.dir, `${DEMO_PIPELINE}.duckdb`);
  const api = await startTaskApi({ count: tasks, seed: 42 });
  const run = (apiKey = DEMO_API_KEY) =>
    runPipeline(seedSource(api.url, apiKey, { backoffFactor: 0.05 }), {
      pipelineName: DEMO_PIPELINE,
      destination: new DuckDbDestination(file),
      workingDir,
    });
  await run();
  return {
    dir: temp.dir,
    home,
    workingDir,
    file,
    api,
    run,
    source: () => ({
      pipelineName: DEMO_PIPELINE,
      workingDir,
      dataset: DEMO_DATASET,
      reader: new DuckDbSqlReader(file),
    }),
    cleanup: async () => {
      await api.close();
      await temp.cleanup();
    },
  };
}
