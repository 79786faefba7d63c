import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { makeTempDir } from '../support/temp-dir.js';
import { type CrashApi, startCrashApi } from './crash-api.js';
import { CrashDataset } from './crash-dataset.js';
import { dumpDatabase } from './crash-db-dump.js';
import { checkInvariants } from './crash-invariants.js';
import { type CrashChildArgs, EXIT_LOCKED, PreparedChild, runCrashChild } from './crash-process.js';
import { CRASH_DATASET, CRASH_PIPELINE, crashSource } from './crash-source.js';

/** Reference §B3 #27: one run of a pipeline at a time, across processes, and no lock outlives its run. */
describe('the pipeline lock across processes', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let api: CrashApi;
  let args: CrashChildArgs;
  let round = 0;
  const dataset = new CrashDataset(3, 200, 200);

  beforeAll(async () => {
    temp = await makeTempDir('tributary-crash-lock-');
    // Slow enough that the first run is still extracting when the second starts.
    api = await startCrashApi(dataset, 30);
  });
  afterAll(async () => {
    await api?.close();
    await temp?.cleanup();
  });
  beforeEach(() => {
    round++;
    args = {
      baseUrl: api.url,
      dbFile: join(temp.dir, `lock-${round}.duckdb`),
      workingDir: join(temp.dir, `work-${round}`),
    };
  });

  /** The database holds exactly `loads` complete loads of the API's data. */
  async function expectCompleteLoads(loads: number): Promise<void> {
    const dump = await dumpDatabase(args.dbFile, CRASH_DATASET);
    expect(checkInvariants(dump, { dataset, complete: true })).toEqual([]);
    expect(dump.loads).toHaveLength(loads);
    expect(existsSync(join(args.workingDir, 'run.lock'))).toBe(false);
  }

  it('fails a second run fast with PIPELINE_LOCKED while the first completes', async () => {
    const first = new PreparedChild(args);
    const second = new PreparedChild(args);
    await Promise.all([first.ready, second.ready]);
    let firstExited = false;
    let markLocked: () => void = () => {};
    const locked = new Promise<void>((resolve) => {
      markLocked = resolve;
    });
    const firstRun = first.go({
      timeoutMs: 30_000,
      // run_started comes after the lock is taken and the destination opened.
      onLine: (line) => line.type === 'run_started' && markLocked(),
    });
    void firstRun.finally(() => {
      firstExited = true;
      markLocked();
    });
    await locked;
    const secondRun = await second.go({ timeoutMs: 15_000 });
    expect(firstExited).toBe(false);
    expect(secondRun.errorCode).toBe('PIPELINE_LOCKED');
    expect(secondRun.exitCode).toBe(EXIT_LOCKED);
    expect(secondRun.errorMessage).toContain(`process ${first.pid}`);
    expect(secondRun.lines.map((l) => l.type)).not.toContain('run_started');

    const firstOutcome = await firstRun;
    expect(firstOutcome.exitCode, firstOutcome.errorMessage).toBe(0);
    await expectCompleteLoads(1);
  });

  /** Starts two runs at the same moment; returns their outcomes and the lock file as the loser left it. */
  async function raceTwo(): Promise<{ exits: Array<number | null>; summary: string; lockOfWinner: boolean }> {
    const runs = [new PreparedChild(args), new PreparedChild(args)];
    await Promise.all(runs.map((r) => r.ready));
    const lockAfterLoser: string[] = [];
    const lockPath = join(args.workingDir, 'run.lock');
    const outcomes = await Promise.all(
      runs.map((r) =>
        r.go({
          timeoutMs: 30_000,
          // The child writes `failed` after its session closed (its lock released, if it had one).
          onLine: (line) => {
            if (line.type !== 'failed') return;
            lockAfterLoser.push(
              existsSync(lockPath) ? readFileSync(lockPath, 'utf8').trim() || '(empty)' : '(gone)',
            );
          },
        }),
      ),
    );
    const summary = outcomes
      .map((o, i) => `pid ${runs[i]?.pid}: exit ${o.exitCode} ${o.errorCode ?? ''} ${o.errorMessage ?? ''}`)
      .join('\n');
    const winner = outcomes.findIndex((o) => o.exitCode === 0);
    return {
      exits: outcomes.map((o) => o.exitCode).sort(),
      summary: `${summary}\nlock when the loser reported: ${lockAfterLoser.join(', ')}; winner pid ${runs[winner]?.pid}`,
      // The winner was still running then: its lock must still be there, whatever the loser did.
      lockOfWinner: lockAfterLoser.length === 1 && lockAfterLoser[0] === String(runs[winner]?.pid),
    };
  }

  it.each([
    { given: 'no lock', stale: false, rounds: 2 },
    { given: 'a stale lock (both see its owner dead)', stale: true, rounds: 4 },
  ])(
    'lets exactly one of two runs started at the same moment through, given $given',
    async ({ stale, rounds }) => {
      const base = args;
      for (let round = 0; round < rounds; round++) {
        args = { ...base, dbFile: `${base.dbFile}.${round}`, workingDir: `${base.workingDir}.${round}` };
        if (stale) {
          await mkdir(args.workingDir, { recursive: true });
          await writeFile(
            join(args.workingDir, 'run.lock'),
            `${spawnSync(process.execPath, ['-e', '0']).pid}\n`,
          );
        }
        const { exits, summary, lockOfWinner } = await raceTwo();
        // The loser must fail on the pipeline lock, not get past it (and then fail on DuckDB's own file
        // lock, which a Postgres destination would not have), and must not remove the winner's lock.
        expect(exits, `round ${round}\n${summary}`).toEqual([0, EXIT_LOCKED]);
        expect(lockOfWinner, `round ${round}\n${summary}`).toBe(true);
        await expectCompleteLoads(1);
      }
    },
  );

  it('refuses a second run of the same pipeline in the same process', async () => {
    const run = (file: string) =>
      runPipeline(crashSource(api.url), {
        pipelineName: CRASH_PIPELINE,
        // Two files, so that DuckDB's own lock cannot stand in for the pipeline lock.
        destination: new DuckDbDestination(join(temp.dir, file)),
        workingDir: args.workingDir,
      });
    const outcomes = await Promise.allSettled([run('same-process-a.duckdb'), run('same-process-b.duckdb')]);
    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'ok' : o.reason instanceof TributaryError ? o.reason.code : String(o.reason),
    );
    expect(codes.sort()).toEqual(['PIPELINE_LOCKED', 'ok']);
  });

  it('takes over the lock of a run that was killed while holding it', async () => {
    const victim = new PreparedChild(args);
    const killed = await victim.go({ killAt: { event: 'run_started', afterMs: 0 }, timeoutMs: 30_000 });
    expect(killed.killed).toBe(true);
    expect((await readFile(join(args.workingDir, 'run.lock'), 'utf8')).trim()).toBe(String(victim.pid));

    const next = await runCrashChild(args, { timeoutMs: 30_000 });
    expect(next.exitCode, next.errorMessage).toBe(0);
    await expectCompleteLoads(1);
  });

  it.each([
    { left: 'an empty lock file (its owner died between creating and writing it)', content: () => '' },
    {
      left: 'a lock naming a process that has exited',
      content: () => `${spawnSync(process.execPath, ['-e', '0']).pid}\n`,
    },
  ])('takes over $left', async ({ content }) => {
    await mkdir(args.workingDir, { recursive: true });
    await writeFile(join(args.workingDir, 'run.lock'), content());
    const next = await runCrashChild(args, { timeoutMs: 30_000 });
    expect(next.exitCode, next.errorMessage).toBe(0);
    await expectCompleteLoads(1);
  });
});
