import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { CrashChildArgs, GoLine, KillCheckpoint } from './crash-protocol.js';

export { type CrashChildArgs, EXIT_LOCKED, type GoLine, type KillCheckpoint } from './crash-protocol.js';

/** One JSON line of the child: a pipeline event, or the child's own `child_started`/`done`/`failed`. */
export interface ChildLine {
  type: string;
  /** Milliseconds after the spawn when the parent read the line. */
  at: number;
  [key: string]: unknown;
}

/**
 * Where a SIGKILL landed, from the last line the child wrote before it:
 * `startup` (node booting), `open` (lock, DuckDB open), `pending` / `pending-load` (finishing an
 * earlier package), `extract`, `package` (extract done, package being committed to disk), `load`
 * (inside the DuckDB transaction, or just after its COMMIT), `after-load` (package bookkeeping, close,
 * lock release), `exited` (the child was done before the kill).
 */
export type KillPhase =
  | 'startup'
  | 'open'
  | 'pending'
  | 'pending-load'
  | 'extract'
  | 'package'
  | 'load'
  | 'after-load'
  | 'exited';

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the parent's SIGKILL ended the child. */
  killed: boolean;
  phase: KillPhase;
  lines: ChildLine[];
  stderr: string;
  durationMs: number;
  /** The `done` line's load ids (pending packages first), when the run completed. */
  loadIds: string[] | undefined;
  /** The `failed` line's error code, when the run failed. */
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

const CHILD = resolve(import.meta.dirname, 'crash-child.ts');

/** How to start the child: `node --import tsx crash-child.ts`, or node on a bundle of it (bundleChild). */
export type ChildEntry = readonly string[];
export const TSX_CHILD: ChildEntry = ['--import', 'tsx', CHILD];

/**
 * Bundles crash-child.ts and the library into one file under `dir` (esbuild, the transform tsx uses
 * too), DuckDB left external by absolute path. Node then starts the child in about 0.3 s of CPU
 * instead of 1 s through tsx's loader, which is most of a crash loop's cost on 2 cores.
 */
export async function bundleChild(dir: string): Promise<ChildEntry> {
  const outfile = join(dir, 'crash-child.bundle.mjs');
  const require = createRequire(import.meta.url);
  await build({
    entryPoints: [CHILD],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    plugins: [
      {
        name: 'external-by-path',
        setup(b) {
          b.onResolve({ filter: /^@duckdb\// }, (args) => ({
            path: require.resolve(args.path),
            external: true,
          }));
        },
      },
    ],
  });
  return [outfile];
}

/** The phase a kill after these lines landed in (see KillPhase). */
export function killPhase(lines: readonly ChildLine[], resources: readonly string[]): KillPhase {
  const types = lines.map((l) => l.type);
  if (types.includes('done') || types.includes('failed')) return 'exited';
  const last = types.at(-1);
  if (last === undefined || last === 'child_ready') return 'startup';
  const runStarted = types.includes('run_started');
  if (!runStarted) {
    if (last === 'load_started') return 'pending-load';
    if (last === 'pending_package' || last === 'load_finished') return 'pending';
    return 'open';
  }
  if (last === 'load_started') return 'load';
  if (last === 'load_finished') return 'after-load';
  const finished = lines.filter((l) => l.type === 'resource_finished').length;
  return finished >= resources.length ? 'package' : 'extract';
}

export interface GoOptions {
  /** SIGKILL the child this long after `go` (if it is still running). */
  killAfterMs?: number;
  /** Or let the child SIGKILL itself at a checkpoint. */
  killAt?: KillCheckpoint;
  /** A child still running after this long is killed and reported with errorCode `TIMEOUT`. */
  timeoutMs?: number;
  onLine?: (line: ChildLine) => void;
}

/**
 * A `crash-child.ts` process spawned ahead of time: node, tsx and the library load (about a second)
 * while something else runs, then `go()` starts the pipeline at once. So kill delays count from the
 * start of `runPipeline`, not from the spawn, and the loop does not pay the startup twice per round.
 */
export class PreparedChild {
  readonly #child;
  readonly #lines: ChildLine[] = [];
  readonly #closed: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  readonly ready: Promise<void>;
  #stderr = '';
  #started = performance.now();
  #onLine: ((line: ChildLine) => void) | undefined;
  #resources: readonly string[];

  constructor(
    args: CrashChildArgs,
    entry: ChildEntry = TSX_CHILD,
    resources: readonly string[] = ['tasks', 'events'],
  ) {
    this.#resources = resources;
    this.#child = spawn(process.execPath, [...entry, JSON.stringify({ ...args, waitForGo: true })], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let buffer = '';
    let markReady: () => void = () => {};
    this.ready = new Promise((resolveReady) => {
      markReady = resolveReady;
    });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        const text = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (text.trim() === '') continue;
        try {
          const line = {
            ...(JSON.parse(text) as object),
            at: performance.now() - this.#started,
          } as ChildLine;
          this.#lines.push(line);
          if (line.type === 'child_ready') markReady();
          this.#onLine?.(line);
        } catch {
          this.#stderr += `[stdout] ${text}\n`;
        }
      }
    });
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      if (this.#stderr.length < 20_000) this.#stderr += chunk;
    });
    this.#child.stdin.on('error', () => {});
    // 'close' comes after stdout is drained, so every line written before a kill is in #lines.
    this.#closed = new Promise((resolveClosed, reject) => {
      this.#child.once('error', reject);
      this.#child.once('close', (exitCode, signal) => {
        markReady();
        resolveClosed({ exitCode, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #kill(): boolean {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return false;
    return this.#child.kill('SIGKILL');
  }

  /** Starts the pipeline (after `ready`), optionally kills it, and resolves when the child is gone. */
  async go(options: GoOptions = {}): Promise<ChildOutcome> {
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = this.#kill();
    }, options.timeoutMs ?? 60_000);
    await this.ready;
    this.#onLine = options.onLine;
    this.#started = performance.now();
    this.#lines.length = 0;
    const goLine: GoLine = options.killAt ? { killAt: options.killAt } : {};
    this.#child.stdin.end(`${JSON.stringify(goLine)}\n`);
    const killTimer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => this.#kill(), Math.max(0, options.killAfterMs));
    const { exitCode, signal } = await this.#closed;
    clearTimeout(killTimer);
    clearTimeout(timeout);
    // Killed by us or by its own checkpoint; one that exited just before our kill was sent is not.
    const killed = !timedOut && signal === 'SIGKILL';
    const lines = [...this.#lines];
    const done = lines.find((l) => l.type === 'done');
    const failed = lines.find((l) => l.type === 'failed');
    return {
      exitCode,
      signal,
      killed,
      phase: killed ? killPhase(lines, this.#resources) : 'exited',
      lines,
      stderr: this.#stderr,
      durationMs: performance.now() - this.#started,
      loadIds: done ? (done.loadIds as string[]) : undefined,
      errorCode: timedOut ? 'TIMEOUT' : failed ? String(failed.code) : undefined,
      errorMessage: failed ? String(failed.message) : undefined,
    };
  }

  /** Ends a child that will not be started (its stdin closes, so it exits by itself too). */
  async dispose(): Promise<void> {
    this.#kill();
    await this.#closed;
  }
}

/** Spawns, starts and awaits one child: `new PreparedChild(args).go(options)`. */
export function runCrashChild(args: CrashChildArgs, options: GoOptions = {}): Promise<ChildOutcome> {
  return new PreparedChild(args).go(options);
}
