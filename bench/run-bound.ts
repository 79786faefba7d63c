// `npm run bench:bound`: how far any loader could go at 0 ms on this machine. Per shape, against
// one demo API process: the fetch-and-parse floor, the lean loader (bench/lean-loader-child.ts:
// fetch, parse, flatten, JSON lines, DuckDB's read_json, and nothing else) and the seed pipeline,
// each in a process of its own.
// Besides wall times it counts CPU — the run's process and the API's — because at 0 ms every
// part is CPU-bound: no schedule of a run's work on `cores` cores can take less than its CPU time
// divided by them, so that gives the best share of the floor's rate that work could ever reach.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_API_KEY } from '../examples/task-api/task-api-server.js';
import { DEFAULT_CONCURRENCY } from '../src/extract/http/rate-budget.js';
import { median, runChildScript } from './child-runs.js';
import { startApiProcess } from './start-api.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, repeat: { type: 'string', default: '3' } },
});
const count = Number(values.count);
const repeat = Number(values.repeat);
if (
  !Number.isInteger(count) ||
  count < 100 ||
  count > 1_000_000 ||
  !Number.isInteger(repeat) ||
  repeat < 1 ||
  repeat > 9
) {
  process.stderr.write('--count takes 100 to 1000000 records, --repeat 1 to 9 runs\n');
  process.exit(2);
}
const cores = cpus().length;
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU ms a process has used so far (Linux: utime + stime of /proc/PID/stat). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

interface Run {
  wallMs: number;
  /** The measured run's own process. */
  cpuMs: number;
  /** The API's process during the run. */
  apiCpuMs: number;
  /** Rows in all tables (the floor: its records). */
  rows: number;
}

/** One run of a child script in a folder of its own; checks its root table's row count. */
function runChild(
  script: string,
  args: Record<string, unknown>,
  rootTable: string,
  apiPid: number,
  dir: string,
): Run {
  const runDir = mkdtempSync(join(dir, 'run-'));
  const apiBefore = processCpuMs(apiPid);
  const run = runChildScript(script, { ...args, dir: runDir }, 600_000) as Run & {
    counts: Record<string, number>;
  };
  const apiCpuMs = processCpuMs(apiPid) - apiBefore;
  rmSync(runDir, { recursive: true, force: true });
  if (run.counts[rootTable] !== count)
    throw new Error(`${script}: ${run.counts[rootTable]} rows in ${rootTable}, expected ${count}`);
  const rows = Object.values(run.counts).reduce((sum, n) => sum + n, 0);
  return { wallMs: run.wallMs, cpuMs: run.cpuMs, apiCpuMs, rows };
}

const lines = [
  '| run | wall s | records/s | share of the floor | CPU s (run + API) | best wall on all cores, s | best share |',
  '|---|---|---|---|---|---|---|',
];
for (const shape of ['flat', 'nested'] as const) {
  const api = await startApiProcess(['--count', String(count), '--latency-ms', '0', '--shape', shape]);
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bound-'));
  try {
    const common = { url: api.url, apiKey: DEMO_API_KEY, count, concurrency: DEFAULT_CONCURRENCY };
    const kinds: Array<[string, string, Record<string, unknown>, string]> = [
      ['floor: fetch+parse', 'bench/floor-child.ts', common, 'tasks'],
      ['lean loader', 'bench/lean-loader-child.ts', common, 'tasks'],
      [
        'Tributary',
        'bench/bench-pipeline-child.mjs',
        { ...common, concurrency: undefined },
        'task_management',
      ],
    ];
    // Taken in turns, so that each kind meets the API as warm as the others do.
    const runs = kinds.map((): Run[] => []);
    for (let i = 0; i < repeat; i++)
      kinds.forEach(([, script, args, root], k) => {
        runs[k]?.push(runChild(script, args, root, api.pid, dir));
      });
    const measured = kinds.map(([name], k): [string, Run] => [name, median(runs[k] ?? []).run]);
    // The lean loader must write the rows Tributary does (a task and its tags and subtasks), or
    // it would be cheaper for doing less.
    const [lean, tributary] = [measured[1]?.[1].rows, measured[2]?.[1].rows];
    if (lean !== tributary)
      throw new Error(`${shape}: the lean loader wrote ${lean} rows, Tributary ${tributary}`);
    const floorWall = measured[0]?.[1].wallMs ?? Number.NaN;
    for (const [name, run] of measured) {
      const cpuMs = run.cpuMs + run.apiCpuMs;
      const bestMs = cpuMs / cores;
      lines.push(
        `| ${count / 1000}k ${shape} 0ms ${name} | ${(run.wallMs / 1000).toFixed(2)} | ${Math.round(count / (run.wallMs / 1000))} | ${Math.round((floorWall / run.wallMs) * 100)} % | ${(cpuMs / 1000).toFixed(2)} (${(run.cpuMs / 1000).toFixed(2)} + ${(run.apiCpuMs / 1000).toFixed(2)}) | ${(bestMs / 1000).toFixed(2)} | ${Math.round((floorWall / bestMs) * 100)} % |`,
      );
    }
    process.stderr.write(`${shape}: done\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await api.stop();
  }
}
process.stdout.write(`${lines.join('\n')}\n\n`);
process.stdout.write(
  `${repeat === 1 ? 'One run' : `The median of ${repeat} runs`} each, ${cores} cores. "Best wall" is the run's CPU (its process and the API's) divided by the cores: no schedule of that work is faster. "Best share" is the floor's wall time over it.\n`,
);
