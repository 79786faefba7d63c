/**
 * Load figures for the Postgres destination (reference: reliability-and-performance.md §A3):
 *
 *   export TRIBUTARY_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"
 *   node --import tsx scripts/bench-postgres-load.ts [rows=100000]
 *
 * Serves N flat tasks from the demo API, runs the seed's merge twice (into an empty table, then
 * 100% overlap) and times each load; then times a bare COPY of the package's file into a logged
 * and an unlogged table. Prints rows/s; drops what it made.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEMO_API_KEY, startTaskApi } from '../examples/task-api/task-api-server.js';
import { restApiSource } from '../src/config/rest-api-source.js';
import { copyJsonLines, copyRows, copySql } from '../src/destinations/postgres/postgres-copy.js';
import { PostgresDestination } from '../src/destinations/postgres/postgres-destination.js';
import { postgresType } from '../src/destinations/postgres/postgres-types.js';
import { completeColumns } from '../src/destinations/sql/ddl.js';
import { type PackageManifest, tableFilePaths } from '../src/load/load-package.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import type { StoredSchema } from '../src/schema/schema-types.js';

const rows = Number.parseInt(process.argv[2] ?? '100000', 10);
const url = process.env.TRIBUTARY_TEST_POSTGRES_URL;
if (!url || !(rows > 0)) {
  console.error(
    'usage: TRIBUTARY_TEST_POSTGRES_URL=postgresql://… node --import tsx scripts/bench-postgres-load.ts [rows]',
  );
  process.exit(2);
}
const dataset = `bench_${Date.now().toString(36)}`;
const dir = await mkdtemp(join(tmpdir(), 'tributary-bench-'));
const api = await startTaskApi({ count: rows, seed: 1, shape: 'flat', maxLimit: 1000 });
const admin = new pg.Client({ connectionString: url });
await admin.connect();
/** Times `load`, the one step that talks to Postgres. */
class TimedPostgres extends PostgresDestination {
  loadMs = 0;
  override async load(...args: Parameters<PostgresDestination['load']>) {
    const started = performance.now();
    const result = await super.load(...args);
    this.loadMs = performance.now() - started;
    return result;
  }
}
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')} rows/s`;

try {
  const source = restApiSource({
    client: {
      base_url: api.url,
      auth: { type: 'api_key', name: 'api_key', api_key: DEMO_API_KEY, location: 'query' },
    },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      {
        name: 'tasks',
        endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 1000 } },
      },
    ],
  });
  for (const label of ['merge into an empty table', 'merge, 100% overlap']) {
    const destination = new TimedPostgres({ credentials: url });
    const started = performance.now();
    await runPipeline(source, {
      pipelineName: 'bench',
      datasetName: dataset,
      destination,
      workingDir: join(dir, 'work'),
    });
    const totalMs = performance.now() - started;
    console.log(
      `${label}: ${rows} rows, load ${Math.round(destination.loadMs)} ms (${rate(rows, destination.loadMs)}; DDL + COPY + merge + commit), run ${Math.round(totalMs)} ms end to end`,
    );
  }

  // The bare COPY of the last package's file, as the loader streams it.
  const loaded = join(dir, 'work', 'load', 'loaded');
  const [loadId] = (await readdir(loaded)).sort().slice(-1);
  const pkgDir = join(loaded, loadId as string);
  const manifest = JSON.parse(await readFile(join(pkgDir, 'manifest.json'), 'utf8')) as PackageManifest;
  const schema = JSON.parse(await readFile(join(pkgDir, 'schema.json'), 'utf8')) as StoredSchema;
  const entry = manifest.tables.find((t) => t.name === 'tasks');
  const table = schema.tables.tasks;
  if (entry === undefined || table === undefined) throw new Error('no tasks table in the package');
  const columns = completeColumns(table);
  const definitions = columns.map((c) => `"${c.name}" ${postgresType(c)}`).join(', ');
  for (const kind of ['', 'UNLOGGED ']) {
    const target = `"${dataset}"."copy_bench"`;
    await admin.query('BEGIN');
    await admin.query(`CREATE ${kind}TABLE ${target} (${definitions}, "_seq" bigint)`);
    const started = performance.now();
    const copied = await copyJsonLines(
      admin,
      copySql(target, columns, '_seq'),
      columns,
      tableFilePaths(pkgDir, entry),
    );
    await admin.query('COMMIT');
    const ms = performance.now() - started;
    await admin.query(`DROP TABLE ${target}`);
    console.log(
      `COPY FROM STDIN into a ${kind ? 'unlogged' : 'logged'} table: ${copied} rows × ${columns.length} columns in ${Math.round(ms)} ms (${rate(copied, ms)}, JSON lines parsed and converted included)`,
    );
  }
  // The two halves: converting the file (no database), and COPY of the converted text alone.
  const chunks: string[] = [];
  let started = performance.now();
  for await (const chunk of copyRows(tableFilePaths(pkgDir, entry), columns)) chunks.push(chunk.text);
  const convertMs = performance.now() - started;
  console.log(
    `converting JSON lines to COPY text only: ${Math.round(convertMs)} ms (${rate(entry.rows, convertMs)})`,
  );
  for (const kind of ['', 'UNLOGGED ']) {
    const target = `"${dataset}"."copy_bench"`;
    await admin.query('BEGIN');
    await admin.query(`CREATE ${kind}TABLE ${target} (${definitions}, "_seq" bigint)`);
    started = performance.now();
    await pipeline(Readable.from(chunks), admin.query(copyFrom(copySql(target, columns, '_seq'))));
    await admin.query('COMMIT');
    const ms = performance.now() - started;
    await admin.query(`DROP TABLE ${target}`);
    console.log(
      `COPY of pre-converted text into a ${kind ? 'unlogged' : 'logged'} table: ${Math.round(ms)} ms (${rate(entry.rows, ms)})`,
    );
  }
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS "${dataset}" CASCADE`);
  await admin.query(`DROP SCHEMA IF EXISTS "${dataset}_staging" CASCADE`);
  await admin.end();
  await api.close();
  await rm(dir, { recursive: true, force: true });
}
