import type { TributaryEvent } from '../pipeline/events.js';
import { formatDuration, formatProgress, newProgress, type ResourceProgress } from './progress-line.js';

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

export interface ProgressOptions {
  /** Log every request (and, on a terminal, every retry). */
  verbose?: boolean;
  /** Least time between two progress log lines of a resource without a terminal. Default 5 s. */
  logIntervalMs?: number;
  /** The clock, in ms (tests pass their own). */
  now?: () => number;
}

/**
 * Renders events for people. On a terminal: one live line per resource (pages, of how many when
 * the API told a total, with a percentage and an ETA; records and their rate; retries; time lost
 * to rate limits), redrawn in place at most every 100 ms, and a closing line per load. Without a
 * terminal: plain log lines, a progress line at most every few seconds per resource. Text arrives
 * redacted from the library.
 */
export class ProgressRenderer {
  readonly #out: ProgressOutput;
  readonly #lines = new Map<string, ResourceProgress>();
  readonly #verbose: boolean;
  readonly #now: () => number;
  readonly #logIntervalMs: number;
  readonly #lastLog = new Map<string, number>();
  readonly #loadStarts = new Map<string, number>();
  #drawn = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;

  constructor(out: ProgressOutput, options: ProgressOptions = {}) {
    this.#out = out;
    this.#verbose = options.verbose ?? false;
    this.#logIntervalMs = options.logIntervalMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  #line(resource: string): ResourceProgress {
    let line = this.#lines.get(resource);
    if (line === undefined) {
      line = newProgress(this.#now());
      this.#lines.set(resource, line);
    }
    return line;
  }

  #log(text: string): void {
    this.#out.write(`${new Date(this.#now()).toISOString()} ${text}\n`);
    // Live lines drawn before this one stay above it; the next redraw starts below.
    this.#drawn = 0;
  }

  /** Without a terminal: the resource's progress, at most every `logIntervalMs`. */
  #logProgress(resource: string): void {
    const now = this.#now();
    const last = this.#lastLog.get(resource);
    if (last !== undefined && now - last < this.#logIntervalMs) return;
    this.#lastLog.set(resource, now);
    this.#log(`${resource}: ${formatProgress(this.#line(resource), now)}`);
  }

  handle(event: TributaryEvent): void {
    const tty = this.#out.isTTY;
    switch (event.type) {
      case 'run_started':
        this.#log(
          `run ${event.pipeline} → ${event.destination} dataset ${event.dataset} (load ${event.loadId})`,
        );
        return;
      case 'resource_started':
        this.#line(event.resource);
        if (!tty) {
          this.#lastLog.set(event.resource, this.#now());
          this.#log(`${event.resource}: started`);
        }
        break;
      case 'page': {
        const line = this.#line(event.resource);
        line.pages = event.page;
        line.records = event.totalRecords;
        line.rows += event.rows ?? 0;
        if (event.expectedPages !== undefined) line.expectedPages = event.expectedPages;
        if (!tty) this.#logProgress(event.resource);
        break;
      }
      case 'request':
        if (event.throttleMs !== undefined) this.#line(event.resource).rateLimitMs += event.throttleMs;
        if (this.#verbose) this.#log(`${event.resource}: ${event.method} ${event.url}`);
        if (!tty || event.throttleMs === undefined) return;
        break;
      case 'response':
        return;
      case 'retry': {
        const line = this.#line(event.resource);
        line.retries++;
        line.rateLimitMs += event.waitMs;
        if (!tty || this.#verbose) {
          this.#log(
            `${event.resource}: retry ${event.attempt} of ${event.method} ${event.url} (${event.reason}) in ${event.waitMs} ms`,
          );
        }
        break;
      }
      case 'resource_finished': {
        const line = this.#line(event.resource);
        Object.assign(line, {
          pages: event.pages,
          records: event.records,
          stopReason: event.stopReason,
          finishedAt: line.finishedAt ?? this.#now(),
        });
        if (!tty) {
          const stop = event.stopReason ? ` (${event.stopReason})` : '';
          this.#log(`${event.resource}: done, ${formatProgress(line, this.#now())}${stop}`);
        }
        break;
      }
      case 'pending_package':
        this.#log(`finishing load package ${event.loadId} left by an earlier run`);
        return;
      case 'load_started':
        this.#loadStarts.set(event.loadId, this.#now());
        if (!tty) this.#log(`loading ${event.loadId}: ${event.tables.length} tables`);
        return;
      case 'load_finished': {
        const rows = Object.values(event.rows).reduce((sum, n) => sum + n, 0);
        const tables = Object.keys(event.rows).length;
        const started = this.#loadStarts.get(event.loadId) ?? this.#now();
        const took = formatDuration(this.#now() - started);
        this.#log(
          `loaded ${event.loadId}: ${rows.toLocaleString('en-US')} rows into ${tables} tables in ${took}`,
        );
        return;
      }
      case 'warning':
        this.#log(`warning: ${event.message}`);
        return;
    }
    if (tty) this.#draw(event.type === 'resource_finished');
  }

  #draw(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    let text = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    for (const [name, line] of this.#lines) {
      const state = line.finishedAt === undefined ? '…' : '✓';
      text += `\x1b[2K${state} ${name}: ${formatProgress(line, now)}\n`;
    }
    this.#drawn = this.#lines.size;
    this.#out.write(text);
  }
}
