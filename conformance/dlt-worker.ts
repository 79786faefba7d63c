import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One run of dlt's rest_api_source (see dlt_runner.py for the fields). */
export interface DltJob {
  config: unknown;
  source?: Record<string, unknown>;
  env: Record<string, string>;
  pipeline_name: string;
  dataset_name: string;
  duckdb_file: string;
  pipelines_dir: string;
}

export interface DltResult {
  ok: boolean;
  /** dlt's exception, first line. */
  error?: string;
  /** The innermost cause of that exception. */
  cause?: string;
}

export interface DltVersions {
  dlt: string;
  duckdb: string;
}

interface Pending {
  id: number;
  resolve: (result: DltResult) => void;
}

const START_TIMEOUT_MS = 120_000;
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'SYSTEMROOT'];

function inherited(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The Python process running `dlt_runner.py`: started once, so dlt is imported once, and restarted
 * when a job times out or the process dies. Jobs run one at a time.
 */
export class DltWorker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private stderrTail = '';
  versions: DltVersions | undefined;

  constructor(
    private readonly python: string,
    private readonly script: string,
    private readonly cwd: string,
    private readonly env: Record<string, string>,
  ) {}

  private start(): Promise<DltVersions> {
    const child = spawn(this.python, [this.script], {
      cwd: this.cwd,
      // Only what Python needs from the parent: a developer's DLT_*, RUNTIME__*, SOURCES__* or
      // DESTINATION__* variables must not change what dlt does.
      env: { ...inherited(), ...this.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    return new Promise<DltVersions>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`dlt worker did not start within ${START_TIMEOUT_MS / 1000} s:\n${this.stderrTail}`),
        );
      }, START_TIMEOUT_MS);
      let ready = false;
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        let message: { ready?: boolean; id?: number } & DltResult & Partial<DltVersions>;
        try {
          message = JSON.parse(line);
        } catch {
          return;
        }
        if (message.ready && !ready) {
          ready = true;
          clearTimeout(timer);
          const versions = { dlt: message.dlt ?? '?', duckdb: message.duckdb ?? '?' };
          this.versions = versions;
          resolve(versions);
          return;
        }
        const pending = this.pending;
        if (pending && message.id === pending.id) {
          this.pending = undefined;
          pending.resolve({
            ok: message.ok,
            ...(message.error !== undefined ? { error: message.error } : {}),
            ...(message.cause !== undefined ? { cause: message.cause } : {}),
          });
        }
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(`dlt worker exited (${code ?? signal}) before it was ready:\n${this.stderrTail}`));
        }
        const pending = this.pending;
        if (pending) {
          this.pending = undefined;
          pending.resolve({ ok: false, error: `dlt worker died (${code ?? signal}): ${this.lastError()}` });
        }
      });
    });
  }

  private lastError(): string {
    const lines = this.stderrTail.trim().split('\n');
    return lines[lines.length - 1] ?? '';
  }

  async ensureStarted(): Promise<DltVersions> {
    if (this.child && this.versions) return this.versions;
    return this.start();
  }

  /** Runs one job; a job that does not answer within `timeoutMs` kills the worker and fails. */
  async run(job: DltJob, timeoutMs: number): Promise<DltResult> {
    await this.ensureStarted();
    const child = this.child;
    if (!child) return { ok: false, error: 'dlt worker is not running' };
    const id = this.nextId++;
    return new Promise<DltResult>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        child.kill('SIGKILL');
        resolve({ ok: false, error: `dlt did not finish within ${timeoutMs / 1000} s` });
      }, timeoutMs);
      this.pending = {
        id,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      child.stdin.write(`${JSON.stringify({ id, ...job })}\n`);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    });
  }
}
