import type { ChildOutcome, GoOptions, KillCheckpoint } from './crash-process.js';

/** When the last clean run of the crash pipeline reached each point, in ms after `go`. */
export interface Timings {
  loadStart: number;
  loadEnd: number;
  done: number;
}

export const DEFAULT_TIMINGS: Timings = { loadStart: 900, loadEnd: 1000, done: 1200 };

export function timings(outcome: ChildOutcome): Timings | undefined {
  const at = (type: string) => outcome.lines.filter((l) => l.type === type).at(-1)?.at;
  const [loadStart, loadEnd, done] = [at('load_started'), at('load_finished'), at('done')];
  return loadStart && loadEnd && done ? { loadStart, loadEnd, done } : undefined;
}

/** One kill: a label for the log and how to start the child. */
export interface Kill {
  plan: string;
  go: GoOptions;
}

/**
 * The kills of iteration `index` before its rerun. The first iterations pin the edges: inside the
 * very first load (tables being created), inside the load that adds a column, at 0 ms, just after a
 * COMMIT, after the run would have ended, and a second kill inside the load of the package the first
 * kill left pending. Then a seeded mix: mostly a timer anywhere in the run, else a checkpoint inside
 * the load transaction, in the bookkeeping and close after the commit, or between extract and load;
 * and now and then a second kill before the rerun.
 */
export function killPlan(index: number, random: () => number, t: Timings): Kill[] {
  const timer = (ms: number): Kill => ({
    plan: `timer ${Math.round(ms)}ms`,
    go: { killAfterMs: Math.round(ms) },
  });
  const at = (event: KillCheckpoint['event'], afterMs: number, nth = 1): Kill => ({
    plan: `at ${event}${nth > 1 ? `#${nth}` : ''}+${Math.round(afterMs)}ms`,
    go: { killAt: { event, afterMs: Math.round(afterMs), nth } },
  });
  const loadMs = Math.max(5, t.loadEnd - t.loadStart);
  const inLoad = () => at('load_started', 1 + random() * loadMs * 1.2);
  const pinned: Array<() => Kill[]> = [
    () => [inLoad()],
    () => [inLoad()],
    () => [timer(0)],
    () => [at('load_finished', 0)],
    () => [timer(t.done * 1.5)],
    // The first load_started of the second run is the pending package's.
    () => [at('load_started', 1), at('load_started', 1 + random() * loadMs)],
  ];
  const first = pinned[index];
  if (first !== undefined) return first();
  const r = random();
  const one =
    r < 0.5
      ? timer(random() * t.done * 1.2)
      : r < 0.7
        ? inLoad()
        : r < 0.8
          ? at('load_finished', 0)
          : r < 0.9
            ? at('load_finished', 1 + random() * Math.max(5, t.done - t.loadEnd))
            : at('resource_finished', 0, 2);
  if (random() >= 0.25) return [one];
  const second = random() < 0.6 ? inLoad() : timer(random() * t.done * 1.2);
  return [one, second];
}
