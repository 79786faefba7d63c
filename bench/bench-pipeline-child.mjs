// One benchmark run in its own process, so that its peak RSS is its own. Prints one JSON line.
// Plain JavaScript on the built library (`npm run build`), as the CLI runs: no TypeScript loader in
// the measured process.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbDestination, restApiSource, runPipeline } from '../dist/src/index.js';

/** @type {{ url: string, apiKey: string, dir: string, concurrency: number | undefined }} */
const args = JSON.parse(process.argv[2] ?? '{}');
const source = restApiSource({
  client: {
    base_url: args.url,
    auth: { type: 'api_key', name: 'api_key', api_key: args.apiKey, location: 'query' },
    retry: { max_retries: 10, backoff_factor: 0.2, status_codes: [429, 500, 502, 503, 504] },
  },
  resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
  resources: [
    {
      name: 'task_management',
      endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
      columns: { id: { data_type: 'bigint', nullable: false }, name: { data_type: 'text', nullable: false } },
    },
  ],
});
const file = join(args.dir, 'bench.duckdb');
const started = performance.now();
const cpuStart = process.cpuUsage();
const report = await runPipeline(source, {
  pipelineName: 'bench',
  destination: new DuckDbDestination(file),
  workingDir: join(args.dir, 'work'),
  ...(args.concurrency ? { concurrency: args.concurrency } : {}),
});
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
// The pipeline's own peak, taken before the row counts below open the database and read every
// table; the peak after them is reported too (`checkedPeakRssMb`).
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const db = await instance.connect();
const tables = (
  await db.runAndReadAll(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bench_dataset' AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\'",
  )
)
  .getRows()
  .map((r) => String(r[0]));
/** @type {Record<string, number>} */
const counts = {};
for (const table of tables)
  counts[table] = Number(
    (await db.runAndReadAll(`SELECT count(*) FROM bench_dataset."${table}"`)).getRows()[0]?.[0],
  );
const distinct = Number(
  (await db.runAndReadAll('SELECT count(DISTINCT id) FROM bench_dataset.task_management')).getRows()[0]?.[0],
);
db.closeSync();
instance.closeSync();
process.stdout.write(
  `${JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb, checkedPeakRssMb: process.resourceUsage().maxRSS / 1024, requests: report.requests, retries: report.retries, counts, distinct })}\n`,
);
