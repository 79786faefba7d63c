/**
 * `npm run conformance`: runs every scenario through dlt and Tributary and compares what they did.
 * Arguments: scenario names to run only those (the report is then not written); `--keep` keeps the
 * temporary folder (both DuckDB files of each scenario) and prints where it is.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Difference, RunOutcome, ToolOutcome } from './compare-outcomes.js';
import { snapshotDataset } from './dataset-snapshot.js';
import { DltWorker } from './dlt-worker.js';
import { explainDifferences, findDocRows } from './documented-differences.js';
import { ensurePythonEnv } from './python-env.js';
import {
  type ExplainedDifference,
  renderReport,
  type ScenarioResult,
  summaryLine,
  verdictOf,
} from './report-writer.js';
import type { Scenario } from './scenario.js';
import { startScenarioServer } from './scenario-server.js';
import { scenarios } from './scenarios/index.js';
import { runTributary } from './tributary-runner.js';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..');
const DLT_REQUIREMENT = 'dlt[duckdb]==1.26.*';
const PIPELINE = 'conformance';
const DATASET = 'conformance_data';
/** One run of one tool; a scenario has at most a few. */
const RUN_TIMEOUT_MS = 60_000;

async function nodeDuckDbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const [row] = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjectsJS();
    return String(row?.v).replace(/^v/, '');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

interface Context {
  worker: DltWorker;
  temp: string;
  doc: string;
}

async function runTool(tool: 'dlt' | 'tributary', scenario: Scenario, ctx: Context): Promise<ToolOutcome> {
  const server = await startScenarioServer();
  const dir = join(ctx.temp, scenario.name, tool);
  await mkdir(dir, { recursive: true });
  const duckdbFile = join(dir, `${PIPELINE}.duckdb`);
  const config = scenario.config(server.origin);
  const env = scenario.env ?? {};
  const runs: RunOutcome[] = [];
  try {
    server.use(scenario.api());
    for (let run = 0; run < (scenario.runs ?? 1); run++) {
      server.run = run;
      let error: string | undefined;
      if (tool === 'dlt') {
        const result = await ctx.worker.run(
          {
            config,
            ...(scenario.source ? { source: scenario.source } : {}),
            env,
            pipeline_name: PIPELINE,
            dataset_name: DATASET,
            duckdb_file: duckdbFile,
            pipelines_dir: join(dir, 'pipelines'),
          },
          RUN_TIMEOUT_MS,
        );
        if (!result.ok)
          error =
            result.cause && result.cause !== result.error
              ? `${result.error} (cause: ${result.cause})`
              : result.error;
      } else {
        error = await runTributary(
          {
            config,
            ...(scenario.source ? { source: scenario.source } : {}),
            env,
            pipelineName: PIPELINE,
            datasetName: DATASET,
            duckdbFile,
            workingDir: join(dir, 'work'),
            dir,
          },
          RUN_TIMEOUT_MS,
        );
      }
      runs.push({ ...(error !== undefined ? { error } : {}), requests: server.take() });
    }
  } finally {
    await server.close();
  }
  return { runs, tables: await snapshotDataset(duckdbFile, DATASET) };
}

/** Ports and load ids change from run to run; the report should not. */
function stableText(text: string): string {
  return text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>').replace(/load_id=[\d.]+/g, 'load_id=<id>');
}

/** A scenario whose dlt side failed unexpectedly, or loaded nothing, proves nothing. */
function harnessChecks(scenario: Scenario, dlt: ToolOutcome): Difference[] {
  const out: Difference[] = [];
  for (const [run, outcome] of dlt.runs.entries()) {
    const meantToFail = scenario.dltFails?.includes(run) ?? false;
    if ((outcome.error !== undefined) !== meantToFail) {
      out.push({
        kind: 'harness',
        run,
        what: meantToFail ? 'dlt was meant to fail' : 'dlt failed',
        dlt: outcome.error ?? 'succeeded',
        tributary: '',
      });
    }
  }
  const loaded = Object.values(dlt.tables).some((t) => (t.rows?.length ?? 0) > 0);
  if (!loaded && !scenario.dltFails)
    out.push({ kind: 'harness', what: 'dlt loaded no row', dlt: '', tributary: '' });
  return out;
}

async function runScenario(scenario: Scenario, ctx: Context): Promise<ScenarioResult> {
  const started = performance.now();
  const dlt = await runTool('dlt', scenario, ctx);
  const tributary = await runTool('tributary', scenario, ctx);
  const documented = scenario.documented ?? [];
  const rows = findDocRows(
    ctx.doc,
    documented.map((d) => d.row),
  );
  for (const entry of documented) {
    if (!rows.has(entry.row))
      console.error(`${scenario.name}: docs/dlt-compatibility.md has no row "${entry.row}"`);
  }
  const differences: ExplainedDifference[] = [
    ...harnessChecks(scenario, dlt),
    ...explainDifferences(dlt, tributary, documented, rows, scenario.authHeaders ?? []),
  ];
  const notes: string[] = [];
  for (const [run, outcome] of dlt.runs.entries()) {
    const other = tributary.runs[run];
    if (outcome.error !== undefined && other?.error !== undefined) {
      notes.push(
        `run ${run + 1} failed in both: dlt ${JSON.stringify(outcome.error)}; Tributary ${JSON.stringify(other.error)}`,
      );
    }
  }
  const stable = differences.map((d) => ({
    ...d,
    dlt: stableText(d.dlt),
    tributary: stableText(d.tributary),
  }));
  return {
    name: scenario.name,
    covers: scenario.covers,
    runs: scenario.runs ?? 1,
    verdict: verdictOf(stable),
    differences: stable,
    notes: notes.map(stableText),
    seconds: (performance.now() - started) / 1000,
  };
}

async function main(): Promise<number> {
  const names = scenarios.map((s) => s.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`two scenarios are named ${duplicate}`);
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const only = args.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(
      `unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const selected = only.length > 0 ? scenarios.filter((s) => only.includes(s.name)) : scenarios;
  const started = performance.now();

  const duckdb = await nodeDuckDbVersion();
  const requirements = [DLT_REQUIREMENT, `duckdb==${duckdb}`];
  console.log(`conformance: Python environment conformance/.venv (${requirements.join(', ')})`);
  const env = await ensurePythonEnv(join(HERE, '.venv'), requirements);
  if (env.installed) console.log('conformance: installed the Python environment');

  const temp = await mkdtemp(join(tmpdir(), 'tributary-conformance-'));
  const project = join(temp, 'project');
  await mkdir(project, { recursive: true });
  // A clean environment for dlt: no developer config or variables, no telemetry, nothing under ~/.dlt.
  const worker = new DltWorker(env.python, join(HERE, 'dlt_runner.py'), project, {
    HOME: join(temp, 'home'),
    DLT_DATA_DIR: join(temp, 'dlt-data'),
    RUNTIME__DLTHUB_TELEMETRY: 'false',
    RUNTIME__LOG_LEVEL: 'WARNING',
    PYTHONIOENCODING: 'utf-8',
    PYTHONUNBUFFERED: '1',
  });
  const results: ScenarioResult[] = [];
  try {
    const versions = await worker.ensureStarted();
    console.log(`conformance: dlt ${versions.dlt}, DuckDB ${versions.duckdb} (Python) / ${duckdb} (Node)`);
    const ctx: Context = {
      worker,
      temp,
      doc: readFileSync(join(ROOT, 'docs', 'dlt-compatibility.md'), 'utf8'),
    };
    for (const scenario of selected) {
      const result = await runScenario(scenario, ctx);
      results.push(result);
      const tail =
        result.verdict === 'same'
          ? ''
          : ` (${result.differences.filter((d) => !d.documentedBy).length} undocumented of ${result.differences.length})`;
      console.log(`  ${result.name.padEnd(34)} ${result.verdict}${tail}  ${result.seconds.toFixed(1)} s`);
      if (only.length > 0) {
        for (const d of result.differences) {
          const where = [d.table, d.run === undefined ? undefined : `run ${d.run + 1}`]
            .filter(Boolean)
            .join(', ');
          console.log(`    ${d.documentedBy ? 'documented' : 'UNDOCUMENTED'} ${d.kind} (${where}) ${d.what}`);
          console.log(`      dlt:       ${d.dlt}\n      tributary: ${d.tributary}`);
        }
        for (const note of result.notes) console.log(`    note: ${note}`);
      }
    }
    if (only.length === 0) {
      writeFileSync(
        join(HERE, 'report.md'),
        renderReport({ dlt: versions.dlt, duckdb: versions.duckdb, results }),
      );
      console.log('conformance: wrote conformance/report.md');
    }
  } finally {
    await worker.close();
    if (keep) console.log(`conformance: kept ${temp}`);
    else await rm(temp, { recursive: true, force: true });
  }
  console.log(`conformance: took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(summaryLine(results));
  return results.every((r) => r.verdict !== 'undocumented') ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
