import type { Runtime } from '../../runtime/runtime.js';

export interface RateBudgetOptions {
  /** Most requests in flight at once (the adaptive limit never goes above). */
  maxConcurrency: number;
  /** Optional cap on request starts per second. */
  requestsPerSecond?: number | undefined;
}

/** What a finished request tells the budget. */
export interface RequestOutcome {
  status: number | undefined;
  headers: Record<string, string>;
  /** Seconds the server asked the whole host to wait (Retry-After on 429/503). */
  pauseSeconds?: number | undefined;
}

/** `RateLimit-Remaining` / `X-RateLimit-Remaining` at or below this many: back off. */
const LOW_REMAINING = 2;

/**
 * One budget per host, shared by every request to it: an adaptive concurrency limit (starts low,
 * grows by one after each window of clean responses, halves on 429 or when the server says few
 * requests remain), an optional requests-per-second cap, and host-wide pauses from `Retry-After`.
 */
export class RateBudget {
  readonly #options: RateBudgetOptions;
  readonly #runtime: Runtime;
  #limit: number;
  #active = 0;
  #clean = 0;
  #pausedUntil = 0;
  #nextStart = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(options: RateBudgetOptions, runtime: Runtime) {
    this.#options = options;
    this.#runtime = runtime;
    this.#limit = Math.min(options.maxConcurrency, 4);
  }

  /** The current concurrency limit (for reports and tests). */
  get limit(): number {
    return this.#limit;
  }

  /** Waits for a slot (and any host pause or rate spacing); call the returned function when done. */
  async acquire(signal?: AbortSignal): Promise<(outcome: RequestOutcome) => void> {
    while (this.#active >= this.#limit) {
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.#waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      signal?.throwIfAborted();
    }
    this.#active++;
    try {
      await this.#waitForStart(signal);
    } catch (error) {
      this.#active--;
      this.#wake();
      throw error;
    }
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      this.#active--;
      this.#observe(outcome);
      this.#wake();
    };
  }

  /** Pauses every request to the host for `seconds` (a server's Retry-After). */
  pause(seconds: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#runtime.now() + seconds * 1000);
  }

  async #waitForStart(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const now = this.#runtime.now();
      const rps = this.#options.requestsPerSecond;
      const startAt = Math.max(this.#pausedUntil, rps ? this.#nextStart : 0);
      if (startAt <= now) {
        if (rps) this.#nextStart = Math.max(now, this.#nextStart) + 1000 / rps;
        return;
      }
      await this.#runtime.sleep(startAt - now, signal);
    }
  }

  #observe(outcome: RequestOutcome): void {
    if (outcome.pauseSeconds !== undefined && outcome.pauseSeconds > 0) this.pause(outcome.pauseSeconds);
    const remaining = Number(
      outcome.headers['ratelimit-remaining'] ?? outcome.headers['x-ratelimit-remaining'] ?? Number.NaN,
    );
    if (outcome.status === 429 || (Number.isFinite(remaining) && remaining <= LOW_REMAINING)) {
      this.#limit = Math.max(1, Math.floor(this.#limit / 2));
      this.#clean = 0;
      return;
    }
    if (outcome.status === undefined || outcome.status >= 500) {
      this.#clean = 0;
      return;
    }
    this.#clean++;
    if (this.#clean >= this.#limit && this.#limit < this.#options.maxConcurrency) {
      this.#limit++;
      this.#clean = 0;
    }
  }

  #wake(): void {
    let free = this.#limit - this.#active;
    while (free-- > 0 && this.#waiters.length > 0) this.#waiters.shift()?.();
  }
}
