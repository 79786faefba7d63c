/**
 * The crash loop of `test/crash/crash-loop.test.ts`, for many more iterations (reference §B3 #20):
 *
 *   node --import tsx scripts/crash-loop.ts [iterations=200] [seed=1] [--tsx]
 *
 * Prints one line per iteration (where the kill landed, loads before/after, ok or the problems) and
 * a summary; exits 1 when any iteration failed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashLoop } from '../test/crash/crash-loop-runner.js';

const tsx = process.argv.includes('--tsx');
const [first, second] = process.argv.slice(2).filter((arg) => arg !== '--tsx');
const iterations = Number.parseInt(first ?? '200', 10);
const seed = Number.parseInt(second ?? '1', 10);
if (!(Number.isSafeInteger(iterations) && iterations > 0 && Number.isSafeInteger(seed))) {
  console.error('usage: node --import tsx scripts/crash-loop.ts [iterations=200] [seed=1] [--tsx]');
  process.exit(2);
}
const dir = await mkdtemp(join(tmpdir(), 'tributary-crash-loop-'));
try {
  const summary = await runCrashLoop({
    iterations,
    seed,
    dir,
    // About 3 s per iteration; the budget only stops a loop that has gone badly slow.
    budgetMs: iterations * 10_000,
    log: (line) => console.log(line),
    // --tsx starts every child through tsx, as the test's lock cases do, instead of the bundle.
    tsx,
  });
  const killed = summary.results.reduce((n, r) => n + r.killed, 0);
  const runs = summary.results.reduce((n, r) => n + r.phases.length, 0);
  const group = (phases: string[]) => phases.reduce((n, p) => n + (summary.phases[p as never] ?? 0), 0);
  console.log(
    [
      `iterations: ${summary.results.length} in ${(summary.durationMs / 1000).toFixed(1)} s (seed ${seed})`,
      `kills: ${killed} of ${runs} runs killed; extract ${group(['startup', 'open', 'extract', 'package'])}, load ${group(['pending', 'pending-load', 'load'])}, after ${group(['after-load'])}; ${group(['exited'])} runs ended before the kill`,
      `phases: ${JSON.stringify(summary.phases)}`,
      `failures: ${summary.failures}`,
    ].join('\n'),
  );
  for (const r of summary.results.filter((x) => x.problems.length > 0)) {
    console.log(`  #${r.index} ${r.plan} (${r.phases.join(', ')}):\n    ${r.problems.join('\n    ')}`);
  }
  process.exitCode = summary.failures > 0 ? 1 : 0;
} finally {
  if (process.env.KEEP_CRASH_DIR) console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
