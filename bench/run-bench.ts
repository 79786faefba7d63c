// `npm run bench`: the seed pipeline into DuckDB against the demo task API (in its own process),
// per scenario, beside a fetch-and-parse floor. Prints a table, checks row counts, `--json FILE`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_API_KEY } from '../examples/task-api/task-api-server.js';
// The constant alone: importing the pipeline would load DuckDB into the process that measures the floor.
import { DEFAULT_CONCURRENCY } from '../src/extract/http/rate-budget.js';
import { median, runChildScript } from './child-runs.js';
import { measureFloor } from './fetch-floor.js';
import { startApiProcess } from './start-api.js';

interface Scenario {
  count: number;
  latencyMs: number;
  shape: 'flat' | 'nested';
  /** Undefined: Tributary's default. */
  concurrency: number | undefined;
  rateLimit?: number;
  /** The API sends X-RateLimit-Remaining/Reset (GitHub's headers) with its limit; else only 429s. */
  rateHeaders?: boolean;
}

/** What one pipeline run in its child process reports. */
interface PipelineRun {
  wallMs: number;
  /** The process's peak by the end of the run, before the row counts are read. */
  peakRssMb: number;
  /** And after the row counts (the check opens the database and reads every table). */
  checkedPeakRssMb: number;
  requests: number;
  retries: number;
  counts: Record<string, number>;
  distinct: number;
}

interface Result {
  scenario: string;
  records: number;
  rows: number;
  wallS: number;
  recordsPerS: number;
  rowsPerS: number;
  peakRssMb: number;
  /** Pipelines: the peak after the row counts were read too (the table shows `peakRssMb`). */
  checkedPeakRssMb?: number;
  requests: number;
  retries: number;
}

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    repeat: { type: 'string', default: '1' },
  },
});
// On a shared machine one run can be 1.5× another of the same code: `--repeat N` runs every
// pipeline and floor N times against the same API process and reports the median run.
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
  process.stderr.write('--repeat takes a whole number from 1 to 20\n');
  process.exit(2);
}
const counts = values.quick ? [100_000] : [100_000, 1_000_000];
const scenarios: Scenario[] = [];
for (const count of counts) {
  for (const latencyMs of [0, 20]) {
    for (const shape of ['flat', 'nested'] as const) {
      for (const concurrency of [1, undefined]) scenarios.push({ count, latencyMs, shape, concurrency });
    }
  }
}
// A 429 storm: the API allows N requests per second; ideal time = requests / N. Once with the
// rate headers most limited APIs send, once with nothing but 429 and Retry-After. At 200/s the run
// lasts 5 s, where the first 429's one-second Retry-After alone is 20 %; at 50/s it lasts 20 s.
for (const rateLimit of [200, 50]) {
  for (const rateHeaders of [true, false]) {
    scenarios.push({
      count: 100_000,
      latencyMs: 0,
      shape: 'flat',
      concurrency: undefined,
      rateLimit,
      rateHeaders,
    });
  }
}

const label = (s: Scenario) =>
  `${s.count / 1000}k ${s.shape} ${s.latencyMs}ms c=${s.concurrency ?? 'default'}${s.rateLimit ? ` limit ${s.rateLimit}/s ${s.rateHeaders ? 'with rate headers' : '429 only'}` : ''}`;

const results: Result[] = [];
const failures: string[] = [];
const notes: string[] = [];
const childCounts = new Map<string, Record<string, number>>();
for (const scenario of scenarios.filter((s) => !values.only || label(s).includes(values.only))) {
  const api = await startApiProcess([
    '--count',
    String(scenario.count),
    '--latency-ms',
    String(scenario.latencyMs),
    '--shape',
    scenario.shape,
    ...(scenario.rateLimit ? ['--rate-limit', String(scenario.rateLimit)] : []),
    ...(scenario.rateLimit && !scenario.rateHeaders ? ['--no-rate-limit-headers'] : []),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  try {
    if (scenario.concurrency === 1 && !scenario.rateLimit) {
      const floors: Array<Awaited<ReturnType<typeof measureFloor>>> = [];
      for (let i = 0; i < repeat; i++)
        // As many in flight as the pipeline's default, so the floor is one at 20 ms too.
        floors.push(await measureFloor(api.url, DEMO_API_KEY, scenario.count, DEFAULT_CONCURRENCY));
      const { run: floor, spread } = median(floors);
      const name = `floor: fetch+parse ${scenario.count / 1000}k ${scenario.shape} ${scenario.latencyMs}ms c=${DEFAULT_CONCURRENCY}`;
      results.push({
        scenario: name,
        records: floor.records,
        rows: floor.records,
        wallS: floor.wallMs / 1000,
        recordsPerS: floor.records / (floor.wallMs / 1000),
        rowsPerS: 0,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        requests: floor.requests,
        retries: 0,
      });
      if (repeat > 1) notes.push(`${name}: ${spread}`);
    }
    const runs: PipelineRun[] = [];
    for (let i = 0; i < repeat; i++) {
      // Each run into a database and working folder of its own: every run does the same work.
      const runDir = join(dir, String(i));
      mkdirSync(runDir);
      const run = runChildScript(
        'bench/bench-pipeline-child.mjs',
        { url: api.url, apiKey: DEMO_API_KEY, dir: runDir, concurrency: scenario.concurrency },
        1_800_000,
      ) as PipelineRun;
      if (run.counts.task_management !== scenario.count || run.distinct !== scenario.count) {
        failures.push(
          `${label(scenario)}: ${run.counts.task_management} root rows, ${run.distinct} distinct ids, expected ${scenario.count}`,
        );
      }
      const key = `${scenario.count} ${scenario.shape}`;
      const seen = childCounts.get(key);
      if (seen && JSON.stringify(seen) !== JSON.stringify(run.counts))
        failures.push(
          `${label(scenario)}: table counts differ between runs: ${JSON.stringify(run.counts)} vs ${JSON.stringify(seen)}`,
        );
      childCounts.set(key, run.counts);
      runs.push(run);
    }
    const { run, spread } = median(runs);
    if (repeat > 1) notes.push(`${label(scenario)}: ${spread}`);
    const rows = Object.values(run.counts).reduce((a, b) => a + b, 0);
    results.push({
      scenario: label(scenario),
      records: scenario.count,
      rows,
      wallS: run.wallMs / 1000,
      recordsPerS: scenario.count / (run.wallMs / 1000),
      rowsPerS: rows / (run.wallMs / 1000),
      peakRssMb: run.peakRssMb,
      checkedPeakRssMb: run.checkedPeakRssMb,
      requests: run.requests,
      retries: run.retries,
    });
    if (scenario.rateLimit) {
      const ideal = run.requests / scenario.rateLimit;
      const over = run.wallMs / 1000 / ideal - 1;
      notes.push(
        `${label(scenario)}: ${(run.wallMs / 1000).toFixed(2)} s against an ideal ${ideal.toFixed(2)} s (${run.requests} requests at ${scenario.rateLimit}/s): ${over >= 0 ? '+' : ''}${(over * 100).toFixed(0)} %, ${run.retries} retries`,
      );
    }
    const last = results.at(-1) as Result;
    process.stderr.write(
      `${last.scenario}: ${Math.round(last.recordsPerS)} records/s, ${last.wallS.toFixed(1)} s, ${Math.round(last.peakRssMb)} MB\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await api.stop();
  }
}

const header = [
  'scenario',
  'records',
  'rows',
  'wall s',
  'records/s',
  'rows/s',
  'peak RSS MB',
  'requests',
  'retries',
];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const r of results) {
  lines.push(
    `| ${[r.scenario, r.records, r.rows, r.wallS.toFixed(2), Math.round(r.recordsPerS), Math.round(r.rowsPerS), Math.round(r.peakRssMb), r.requests, r.retries].join(' | ')} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
if (notes.length > 0) process.stdout.write(`\n${notes.join('\n')}\n`);
if (values.json)
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
        results,
        notes,
        failures,
      },
      null,
      2,
    ),
  );
if (failures.length > 0) {
  process.stderr.write(`row count checks failed:\n  ${failures.join('\n  ')}\n`);
  process.exitCode = 1;
} else
  process.stderr.write(
    `row counts checked: ${results.filter((r) => !r.scenario.startsWith('floor')).length * repeat} runs\n`,
  );
