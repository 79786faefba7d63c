// The demo: start the bundled task API on a free port, sync it into task_management.duckdb with the
// seed config, print the summary and a few rows read back from the file.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ProgressRenderer } from '../src/cli/progress-renderer.js';
import { formatSummary } from '../src/cli/summary.js';
import { loadConfigFile } from '../src/config/load-config-file.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { DEMO_API_KEY, startTaskApi } from './task-api/task-api-server.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Works from the source tree (tsx) and from the build (dist/examples).
const configFile = resolve(here, here.includes('/dist/') ? '../../examples' : '.', 'task_management.yaml');
const databaseFile = resolve('task_management.duckdb');

const api = await startTaskApi({ count: 2345, seed: 42, faults: { rate: 0.05, seed: 7, retryAfter: 1 } });
process.env.API_KEY = DEMO_API_KEY;
try {
  console.log(`demo task API on ${api.url} with ${api.tasks.length} tasks (5% transient faults)`);
  const source = await loadConfigFile(configFile, { baseUrl: api.url });
  const progress = new ProgressRenderer({
    write: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
  });
  const report = await runPipeline(source, {
    pipelineName: 'task_management',
    destination: new DuckDbDestination(databaseFile),
    runtime: { emit: (event) => progress.handle(event) },
  });
  process.stdout.write(formatSummary(report));

  const instance = await DuckDBInstance.create(databaseFile);
  const db = await instance.connect();
  const sample = await db.runAndReadAll(
    `SELECT id, name, status, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at, assignee__name
     FROM task_management_dataset.task_management ORDER BY id LIMIT 5`,
  );
  console.log('\nfirst rows of task_management_dataset.task_management:');
  console.table(sample.getRowObjectsJson());
  const counts = await db.runAndReadAll(
    `SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'task_management_dataset' ORDER BY table_name`,
  );
  console.log(
    'tables:',
    counts
      .getRowObjectsJson()
      .map((r) => `${r.table_name} (${r.estimated_size} rows)`)
      .join(', '),
  );
  db.closeSync();
  instance.closeSync();
} finally {
  await api.close();
}
