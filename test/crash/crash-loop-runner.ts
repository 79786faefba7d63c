import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mixSeed, mulberry32 } from '../../examples/task-api/seeded-random.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type CrashApi, startCrashApi } from './crash-api.js';
import { CrashDataset } from './crash-dataset.js';
import { type DbDump, dumpDatabase } from './crash-db-dump.js';
import { checkInvariants } from './crash-invariants.js';
import { DEFAULT_TIMINGS, killPlan, timings } from './crash-kill-plan.js';
import {
  bundleChild,
  type ChildOutcome,
  type CrashChildArgs,
  type KillPhase,
  PreparedChild,
  TSX_CHILD,
} from './crash-process.js';
import { CRASH_DATASET, CRASH_PIPELINE, crashSource } from './crash-source.js';

export interface CrashLoopOptions {
  iterations: number;
  seed: number;
  /** A temp folder the loop may fill. */
  dir: string;
  /** No new iteration starts after this long. */
  budgetMs: number;
  tasks?: number;
  events?: number;
  /** Server latency per request during crash runs. */
  latencyMs?: number;
  log?: (line: string) => void;
  /** Start children through tsx instead of a bundle (slower; the bundle is the same code). */
  tsx?: boolean;
}

export interface IterationResult {
  index: number;
  /** `timer 412ms` or `at load_started+35ms`, or two of them when a second kill came before the rerun. */
  plan: string;
  /** Where each kill landed (`exited` when the run ended first). */
  phases: KillPhase[];
  /** How many of the runs were killed. */
  killed: number;
  loadsBefore: number;
  /** After the last kill. */
  loadsAfterKill: number;
  loadsAfter: number;
  rerunLoadIds: string[];
  problems: string[];
  durationMs: number;
}

export interface CrashLoopSummary {
  results: IterationResult[];
  /** Kills per phase, over all kills. */
  phases: Partial<Record<KillPhase, number>>;
  failures: number;
  durationMs: number;
}

function workingDirProblems(workingDir: string): string[] {
  const problems: string[] = [];
  if (existsSync(join(workingDir, 'run.lock'))) problems.push('run.lock left after a completed run');
  for (const stage of ['new', 'normalized']) {
    const dir = join(workingDir, 'load', stage);
    const left = existsSync(dir) ? readdirSync(dir) : [];
    if (left.length > 0) problems.push(`load/${stage} still holds ${left.join(', ')} after a completed run`);
  }
  return problems;
}

/** A kill commits every load it reported finished, maybe the one it was in, and nothing else. */
function killLoadProblems(before: DbDump, afterKill: DbDump, killed: ChildOutcome): string[] {
  const started = killed.lines.filter((l) => l.type === 'load_started').length;
  const finished = killed.lines.filter((l) => l.type === 'load_finished').length;
  const added = afterKill.loads.length - before.loads.length;
  const lost = before.loads.filter((id) => !afterKill.loads.includes(id));
  const problems = lost.length > 0 ? [`loads committed before the kill are gone: ${lost}`] : [];
  if (added < finished || added > started) {
    problems.push(
      `the killed run added ${added} loads, but reported ${started} started and ${finished} finished`,
    );
  }
  return problems;
}

/** The rerun loads exactly the pending packages that were not committed yet, plus one of its own. */
function rerunLoadProblems(afterKills: DbDump, after: DbDump, rerun: ChildOutcome): string[] {
  const problems: string[] = [];
  const ids = rerun.loadIds ?? [];
  const expected = new Set([...afterKills.loads, ...ids]);
  const actual = new Set(after.loads);
  if (expected.size !== actual.size || [...expected].some((id) => !actual.has(id))) {
    problems.push(
      `loads after the rerun [${[...actual]}] are not those after the kill plus the rerun's [${ids}]`,
    );
  }
  const fresh = ids.at(-1);
  if (fresh === undefined || afterKills.loads.includes(fresh))
    problems.push('the rerun made no load of its own');
  return problems;
}

/** Runs the clean reference pipeline in this process (against its own server without latency). */
async function referenceRun(api: CrashApi, dir: string): Promise<DbDump> {
  await runPipeline(crashSource(api.url), {
    pipelineName: CRASH_PIPELINE,
    destination: new DuckDbDestination(join(dir, 'reference.duckdb')),
    workingDir: join(dir, 'reference-work'),
  });
  return dumpDatabase(join(dir, 'reference.duckdb'), CRASH_DATASET);
}

/**
 * The crash loop (reference §B3 #20): per iteration the API's data changes, a clean reference
 * pipeline syncs it, the crash pipeline is SIGKILLed somewhere in a run and then rerun to the end;
 * the invariants are checked after the kill and after the rerun.
 */
export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopSummary> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const dataset = new CrashDataset(options.seed, options.tasks ?? 240, options.events ?? 240);
  const api = await startCrashApi(dataset, options.latencyMs ?? 8);
  const referenceApi = await startCrashApi(dataset, 0);
  const random = mulberry32(mixSeed(options.seed, 99));
  const db = join(options.dir, 'crash.duckdb');
  const args: CrashChildArgs = { baseUrl: api.url, dbFile: db, workingDir: join(options.dir, 'crash-work') };
  const results: IterationResult[] = [];
  let t = DEFAULT_TIMINGS;
  // The same crash-child.ts, bundled once: children start in a third of the CPU time (see bundleChild).
  const entry = options.tsx ? TSX_CHILD : await bundleChild(options.dir);
  let next = new PreparedChild(args, entry);
  try {
    let before = await dumpDatabase(db, CRASH_DATASET);
    for (let index = 0; index < options.iterations; index++) {
      if (performance.now() - started > options.budgetMs) {
        log(`stopping after ${index} iterations: the ${options.budgetMs} ms budget is spent`);
        break;
      }
      const iterationStart = performance.now();
      if (index > 0) dataset.mutate(index);
      // The reference syncs the same data meanwhile; it is awaited before the rerun is compared with it.
      const reference = referenceRun(referenceApi, options.dir);
      reference.catch(() => {});
      const problems: string[] = [];
      const kills: ChildOutcome[] = [];
      let afterKills = before;
      const plans = killPlan(index, random, t);
      for (const [k, { go }] of plans.entries()) {
        const victim = next;
        next = new PreparedChild(args, entry);
        const killed = await victim.go({ ...go, timeoutMs: 30_000 });
        kills.push(killed);
        const label = plans.length > 1 ? `after kill ${k + 1}` : 'after kill';
        if (!killed.killed && killed.exitCode !== 0) {
          problems.push(
            `${label}: the run failed: ${killed.errorCode} ${killed.errorMessage} ${killed.stderr.slice(0, 300)}`,
          );
        }
        const dump = await dumpDatabase(db, CRASH_DATASET).catch((e: unknown) => {
          problems.push(`${label}: the database does not open: ${String(e)}`);
          return undefined;
        });
        if (dump === undefined) continue;
        problems.push(...checkInvariants(dump, { dataset, complete: false }).map((p) => `${label}: ${p}`));
        problems.push(...killLoadProblems(afterKills, dump, killed).map((p) => `${label}: ${p}`));
        afterKills = dump;
      }
      const rerunChild = next;
      next = new PreparedChild(args, entry);
      const rerun = await rerunChild.go({ timeoutMs: 30_000 });
      if (rerun.exitCode !== 0) {
        problems.push(
          `rerun failed (exit ${rerun.exitCode}): ${rerun.errorCode} ${rerun.errorMessage} ${rerun.stderr.slice(0, 500)}`,
        );
      }
      const after = await dumpDatabase(db, CRASH_DATASET);
      problems.push(
        ...checkInvariants(after, { dataset, complete: true, reference: await reference }).map(
          (p) => `after rerun: ${p}`,
        ),
      );
      problems.push(...workingDirProblems(args.workingDir));
      problems.push(...rerunLoadProblems(afterKills, after, rerun));
      const pendingFinished = rerun.lines.some((l) => l.type === 'pending_package');
      if (!pendingFinished) t = timings(rerun) ?? t;
      const result: IterationResult = {
        index,
        plan: plans.map((p) => p.plan).join(', then '),
        phases: kills.map((k) => k.phase),
        killed: kills.filter((k) => k.killed).length,
        loadsBefore: before.loads.length,
        loadsAfterKill: afterKills.loads.length,
        loadsAfter: after.loads.length,
        rerunLoadIds: rerun.loadIds ?? [],
        problems,
        durationMs: Math.round(performance.now() - iterationStart),
      };
      results.push(result);
      log(
        `#${index} ${result.plan.padEnd(30)} -> ${result.phases.join(', ').padEnd(12)} loads ${result.loadsBefore}->${result.loadsAfterKill}->${result.loadsAfter}` +
          `${pendingFinished ? ' (rerun finished a pending package)' : ''} ${problems.length === 0 ? 'ok' : `FAIL\n    ${problems.join('\n    ')}`}`,
      );
      before = after;
    }
  } finally {
    await next.dispose();
    await api.close();
    await referenceApi.close();
  }
  const phases: Partial<Record<KillPhase, number>> = {};
  for (const phase of results.flatMap((r) => r.phases)) phases[phase] = (phases[phase] ?? 0) + 1;
  return {
    results,
    phases,
    failures: results.filter((r) => r.problems.length > 0).length,
    durationMs: Math.round(performance.now() - started),
  };
}
