import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';
import { type CrashLoopSummary, runCrashLoop } from './crash-loop-runner.js';

const ITERATIONS = 20;

/**
 * Reference §B3 #20: SIGKILL a real pipeline process anywhere in a run (extract, package commit,
 * inside the DuckDB transaction, after the COMMIT), rerun it, and check after every kill and every
 * rerun that the tables are what one clean run gives. More iterations: `scripts/crash-loop.ts`.
 */
describe('a pipeline killed with SIGKILL and rerun', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let summary: CrashLoopSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    temp = await makeTempDir('tributary-crash-');
    summary = await runCrashLoop({
      iterations: ITERATIONS,
      seed: 20_240_101,
      dir: temp.dir,
      budgetMs: 75_000,
      log: (line) => lines.push(line),
    });
    const killed = summary.results.reduce((n, r) => n + r.killed, 0);
    console.info(
      `crash loop: ${summary.results.length} iterations in ${summary.durationMs} ms, ${killed} killed, phases ${JSON.stringify(summary.phases)}, ${summary.failures} failed`,
    );
  }, 150_000);
  afterAll(async () => {
    await temp?.cleanup();
  });

  it('converges to the clean run after every kill: same tables, no partial load, state never ahead', () => {
    const failed = summary.results.filter((r) => r.problems.length > 0);
    expect(
      failed.map((r) => `#${r.index} ${r.plan} (${r.phases.join(', ')}): ${r.problems.join(' / ')}`),
    ).toEqual([]);
    // The time budget may cut the loop short on a slow machine, never to nothing.
    expect(summary.results.length, lines.join('\n')).toBeGreaterThanOrEqual(Math.min(ITERATIONS, 8));
  });

  it('lands kills in extract, inside the load transaction, after the commit and in a pending load', () => {
    const count = (...phases: string[]) =>
      phases.reduce((n, p) => n + (summary.phases[p as keyof typeof summary.phases] ?? 0), 0);
    const where = `${JSON.stringify(summary.phases)}\n${lines.join('\n')}`;
    expect(count('startup', 'open', 'extract', 'package'), where).toBeGreaterThanOrEqual(1);
    expect(count('load'), where).toBeGreaterThanOrEqual(1);
    expect(count('after-load'), where).toBeGreaterThanOrEqual(1);
    expect(count('pending-load'), where).toBeGreaterThanOrEqual(1);
  });

  it('finishes a package left by a kill in the next run', () => {
    // A kill inside the load, or right after its COMMIT, leaves the package pending: the rerun
    // loads it (or only marks it, when committed) and then its own. The per-iteration checks above
    // hold the exact load bookkeeping; this only makes sure the case occurred.
    const pending = summary.results.filter((r) => r.rerunLoadIds.length === 2);
    expect(pending.length, lines.join('\n')).toBeGreaterThanOrEqual(1);
  });
});
