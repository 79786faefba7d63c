import { TributaryError } from '../errors/tributary-error.js';
import type { TributaryEvent } from './events.js';

/**
 * Where a resource's time went, in ms. Request and wait times are summed over requests, so with
 * requests running concurrently they can add up to more than the run's wall-clock time.
 */
export interface ResourceTimings {
  /** Waiting on the API: each attempt from sending to the last byte of the body. */
  requestMs: number;
  /** Sleeping before retries: backoff, or the server's `Retry-After`. */
  backoffMs: number;
  /** Waiting for the host's budget: a `Retry-After` pause, `requests_per_second`, the adaptive limit. */
  throttleMs: number;
  /** `backoffMs + throttleMs`: all the time rate limits and retries cost. */
  rateLimitMs: number;
  /** Turning records into rows of the load package (flatten, coerce, write). */
  normalizeMs: number;
}

/** An error as reports show it: its stable code and its redacted message. */
export interface ReportedError {
  code: string;
  message: string;
  retryable: boolean;
  resource?: string;
  url?: string;
  status?: number;
}

export interface ResourceReport {
  name: string;
  pages: number;
  records: number;
  requests: number;
  retries: number;
  /** Response body bytes received, retries included. */
  bytes: number;
  /** Attempts per HTTP status; attempts without an answer count under their error code. */
  responses: Record<string, number>;
  stopReason: string | undefined;
  timings: ResourceTimings;
  errors: ReportedError[];
}

/** What a run did, for the CLI summary, for scripts, and as `--report` JSON (docs/run-report.md). */
export interface RunReport {
  pipeline: string;
  dataset: string;
  destination: string;
  location: string;
  status: 'completed' | 'failed';
  /** What `tributary run` exits with for this outcome: 0 done, 1 run failed, 2 config error. */
  exitCode: 0 | 1 | 2;
  /** The load id of this run's extraction; undefined when the run failed before it began. */
  loadId: string | undefined;
  /** Loads committed by this run: packages an earlier run left, then this run's. */
  loadIds: string[];
  resources: ResourceReport[];
  /** Rows written per table by this run. */
  rows: Record<string, number>;
  requests: number;
  retries: number;
  bytes: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  timings: {
    /** The run's steps in order (`open`, `finish pending`, `extract`, `load`) and how long each took. */
    steps: Array<{ step: string; durationMs: number; ok: boolean }>;
    /** Destination transactions: from each load's start to its commit. */
    loadMs: number;
  };
  errors: ReportedError[];
  warnings: string[];
}

const CONFIG_CODES: ReadonlySet<string> = new Set(['CONFIG_INVALID', 'SECRET_MISSING']);

/** The CLI's exit code for a run that ended with `error` (none: success). */
export function exitCodeFor(error: unknown): 0 | 1 | 2 {
  if (error === undefined) return 0;
  return error instanceof TributaryError && CONFIG_CODES.has(error.code) ? 2 : 1;
}

/** Code, message and context of an error, as reports carry it (redacted when serialized). */
export function reportedError(error: unknown): ReportedError {
  if (!(error instanceof TributaryError)) {
    return {
      code: 'UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
      retryable: false,
    };
  }
  const { resource, url, status } = error.context;
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(resource === undefined ? {} : { resource }),
    ...(url === undefined ? {} : { url }),
    ...(status === undefined ? {} : { status }),
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Counts requests, retries, pages, records, bytes and times per resource from the event stream. */
export class RunCounters {
  readonly resources = new Map<string, ResourceReport>();
  requests = 0;
  retries = 0;
  bytes = 0;
  loadMs = 0;
  loadId: string | undefined;
  readonly warnings: string[] = [];
  readonly #loadStarts = new Map<string, number>();
  /** The resource of each URL that got an error answer, to attribute a failed request's error. */
  readonly #failedUrls = new Map<string, string>();

  resource(name: string): ResourceReport {
    let report = this.resources.get(name);
    if (report === undefined) {
      report = {
        name,
        pages: 0,
        records: 0,
        requests: 0,
        retries: 0,
        bytes: 0,
        responses: {},
        stopReason: undefined,
        timings: { requestMs: 0, backoffMs: 0, throttleMs: 0, rateLimitMs: 0, normalizeMs: 0 },
        errors: [],
      };
      this.resources.set(name, report);
    }
    return report;
  }

  observe(event: TributaryEvent): void {
    switch (event.type) {
      case 'run_started':
        this.loadId = event.loadId;
        return;
      case 'request': {
        this.requests++;
        const report = this.resource(event.resource);
        report.requests++;
        this.#wait(report, 'throttleMs', event.throttleMs ?? 0);
        return;
      }
      case 'response': {
        const report = this.resource(event.resource);
        const key = event.status === undefined ? (event.error ?? 'no answer') : String(event.status);
        report.responses[key] = (report.responses[key] ?? 0) + 1;
        report.bytes += event.bytes;
        this.bytes += event.bytes;
        report.timings.requestMs = round(report.timings.requestMs + event.durationMs);
        if (event.status === undefined || event.status >= 400)
          this.#failedUrls.set(event.url, event.resource);
        return;
      }
      case 'retry': {
        this.retries++;
        const report = this.resource(event.resource);
        report.retries++;
        this.#wait(report, 'backoffMs', event.waitMs);
        return;
      }
      case 'page': {
        const report = this.resource(event.resource);
        report.pages = event.page;
        report.records = event.totalRecords;
        report.timings.normalizeMs = round(report.timings.normalizeMs + (event.normalizeMs ?? 0));
        return;
      }
      case 'resource_finished':
        this.resource(event.resource).stopReason = event.stopReason;
        return;
      case 'load_started':
        this.#loadStarts.set(event.loadId, performance.now());
        return;
      case 'load_finished': {
        const start = this.#loadStarts.get(event.loadId);
        if (start !== undefined) this.loadMs = round(this.loadMs + performance.now() - start);
        return;
      }
      case 'warning':
        this.warnings.push(event.message);
        return;
      default:
        return;
    }
  }

  #wait(report: ResourceReport, kind: 'backoffMs' | 'throttleMs', ms: number): void {
    if (ms <= 0) return;
    report.timings[kind] = round(report.timings[kind] + ms);
    report.timings.rateLimitMs = round(report.timings.backoffMs + report.timings.throttleMs);
  }

  /**
   * The error that ended the run, as a report shows it, also listed under its resource: the one
   * its context names, or the one whose request to that URL got the failing answer.
   */
  fail(error: unknown): ReportedError {
    const reported = reportedError(error);
    const resource =
      reported.resource ?? (reported.url === undefined ? undefined : this.#failedUrls.get(reported.url));
    if (resource === undefined) return reported;
    const attributed = { ...reported, resource };
    this.resource(resource).errors.push(attributed);
    return attributed;
  }
}
