import type { TributaryEvent } from '../pipeline/events.js';

interface ResourceLine {
  pages: number;
  records: number;
  retries: number;
  done: boolean;
  stopReason: string | undefined;
}

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

/**
 * Renders events for people: on a terminal one live line per resource (pages, records, retries),
 * redrawn in place at most every 100 ms; otherwise plain log lines, a progress line at most every
 * few seconds per resource. Text arrives redacted from the library.
 */
export class ProgressRenderer {
  readonly #out: ProgressOutput;
  readonly #lines = new Map<string, ResourceLine>();
  readonly #verbose: boolean;
  #drawn = 0;
  #lastDraw = 0;
  readonly #lastLog = new Map<string, number>();
  readonly #logIntervalMs: number;

  constructor(out: ProgressOutput, options: { verbose?: boolean; logIntervalMs?: number } = {}) {
    this.#out = out;
    this.#verbose = options.verbose ?? false;
    this.#logIntervalMs = options.logIntervalMs ?? 5000;
  }

  #line(resource: string): ResourceLine {
    let line = this.#lines.get(resource);
    if (line === undefined) {
      line = { pages: 0, records: 0, retries: 0, done: false, stopReason: undefined };
      this.#lines.set(resource, line);
    }
    return line;
  }

  #log(text: string): void {
    this.#out.write(`${new Date().toISOString()} ${text}\n`);
    // Live lines drawn before this one stay above it; the next redraw starts below.
    this.#drawn = 0;
  }

  handle(event: TributaryEvent): void {
    switch (event.type) {
      case 'run_started':
        this.#log(
          `run ${event.pipeline} → ${event.destination} dataset ${event.dataset} (load ${event.loadId})`,
        );
        return;
      case 'resource_started':
        this.#line(event.resource);
        if (!this.#out.isTTY) this.#log(`${event.resource}: started`);
        break;
      case 'page': {
        const line = this.#line(event.resource);
        line.pages = event.page;
        line.records = event.totalRecords;
        const last = this.#lastLog.get(event.resource) ?? 0;
        if (!this.#out.isTTY && Date.now() - last >= this.#logIntervalMs) {
          this.#lastLog.set(event.resource, Date.now());
          this.#log(
            `${event.resource}: ${line.pages} pages, ${line.records} records, ${line.retries} retries`,
          );
        }
        break;
      }
      case 'retry':
        this.#line(event.resource).retries++;
        if (!this.#out.isTTY || this.#verbose) {
          this.#log(
            `${event.resource}: retry ${event.attempt} of ${event.method} ${event.url} (${event.reason}) in ${event.waitMs} ms`,
          );
        }
        break;
      case 'request':
        if (this.#verbose) this.#log(`${event.resource}: ${event.method} ${event.url}`);
        return;
      case 'resource_finished': {
        const line = this.#line(event.resource);
        Object.assign(line, {
          done: true,
          pages: event.pages,
          records: event.records,
          stopReason: event.stopReason,
        });
        if (!this.#out.isTTY) {
          this.#log(
            `${event.resource}: done, ${event.pages} pages, ${event.records} records, ${line.retries} retries`,
          );
        }
        break;
      }
      case 'pending_package':
        this.#log(`finishing load package ${event.loadId} left by an earlier run`);
        return;
      case 'load_started':
        if (!this.#out.isTTY) this.#log(`loading ${event.loadId}: ${event.tables.length} tables`);
        return;
      case 'load_finished':
        return;
      case 'warning':
        this.#log(`warning: ${event.message}`);
        return;
    }
    if (this.#out.isTTY) this.#draw(event.type === 'resource_finished');
  }

  #draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    let text = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    for (const [name, line] of this.#lines) {
      const state = line.done ? '✓' : '…';
      text += `\x1b[2K${state} ${name}: ${line.pages} pages, ${line.records} records, ${line.retries} retries\n`;
    }
    this.#drawn = this.#lines.size;
    this.#out.write(text);
  }
}
