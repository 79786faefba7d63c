import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretRegistry } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import type { TributaryEvent } from './events.js';
import type { ResourceReport, RunCounters } from './run-report.js';

export interface TraceStep {
  step: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
}

/** The last run of a pipeline, kept in its working folder (`trace.json`), secrets redacted. */
export interface RunTrace {
  pipeline: string;
  startedAt: string;
  finishedAt: string;
  status: 'completed' | 'failed';
  steps: TraceStep[];
  resources: ResourceReport[];
  requests: number;
  retries: number;
  loads: Array<{ loadId: string; rows: Record<string, number> }>;
  warnings: string[];
  /** Retries with their reasons, the first 100. */
  retryLog: Array<{ resource: string; url: string; attempt: number; reason: string; waitMs: number }>;
  error?: { code: string; message: string };
}

const MAX_RETRY_LOG = 100;

/** Collects a run's steps, timings and notable events. */
export class PipelineTrace {
  readonly #trace: RunTrace;

  constructor(pipeline: string) {
    const now = new Date().toISOString();
    this.#trace = {
      pipeline,
      startedAt: now,
      finishedAt: now,
      status: 'completed',
      steps: [],
      resources: [],
      requests: 0,
      retries: 0,
      loads: [],
      warnings: [],
      retryLog: [],
    };
  }

  /** The steps so far, with their timings (for the run report). */
  get steps(): readonly TraceStep[] {
    return this.#trace.steps;
  }

  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const startedAt = new Date().toISOString();
    const start = performance.now();
    const record = (ok: boolean) =>
      this.#trace.steps.push({
        step: name,
        startedAt,
        durationMs: Math.round(performance.now() - start),
        ok,
      });
    try {
      const result = await work();
      record(true);
      return result;
    } catch (error) {
      record(false);
      throw error;
    }
  }

  observe(event: TributaryEvent): void {
    if (event.type === 'warning') this.#trace.warnings.push(event.message);
    if (event.type === 'load_finished') this.#trace.loads.push({ loadId: event.loadId, rows: event.rows });
    if (event.type === 'retry' && this.#trace.retryLog.length < MAX_RETRY_LOG) {
      const { resource, url, attempt, reason, waitMs } = event;
      this.#trace.retryLog.push({ resource, url, attempt, reason, waitMs });
    }
  }

  fail(error: unknown): void {
    this.#trace.status = 'failed';
    const code = error instanceof TributaryError ? error.code : 'UNEXPECTED';
    this.#trace.error = { code, message: error instanceof Error ? error.message : String(error) };
  }

  async save(workingDir: string, counters: RunCounters): Promise<void> {
    const trace: RunTrace = {
      ...this.#trace,
      finishedAt: new Date().toISOString(),
      resources: [...counters.resources.values()],
      requests: counters.requests,
      retries: counters.retries,
    };
    await mkdir(workingDir, { recursive: true });
    const target = join(workingDir, 'trace.json');
    await writeFile(`${target}.tmp`, secretRegistry.redact(JSON.stringify(trace, null, 2)));
    await rename(`${target}.tmp`, target);
  }
}

export async function readTrace(workingDir: string): Promise<RunTrace | undefined> {
  try {
    return JSON.parse(await readFile(join(workingDir, 'trace.json'), 'utf8')) as RunTrace;
  } catch {
    return undefined;
  }
}
