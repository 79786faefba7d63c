import { execFileSync } from 'node:child_process';

/**
 * Runs one benchmark child script in a process of its own and returns the JSON line it prints
 * last. TypeScript children run through tsx; the pipeline's is plain JavaScript on the built
 * library, as the CLI runs.
 */
export function runChildScript(script: string, args: Record<string, unknown>, timeoutMs: number): unknown {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const out = execFileSync(process.execPath, [...loader, script, JSON.stringify(args)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: timeoutMs,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

/** The median of runs by wall time (the lower middle one of an even count), with the spread. */
export function median<T extends { wallMs: number }>(runs: T[]): { run: T; spread: string } {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const run = sorted[Math.floor((sorted.length - 1) / 2)] as T;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const spread = `${s((sorted[0] as T).wallMs)}–${s((sorted.at(-1) as T).wallMs)} s over ${sorted.length} runs`;
  return { run, spread };
}
