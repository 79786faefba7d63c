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

/** `RateLimit-Remaining` / `X-RateLimit-Remaining` at or below this many (and no reset time): back off. */
const LOW_REMAINING = 2;
/** A learned rate starts this far below the starts that drew a 429 within the last second. */
const LEARNED_MARGIN = 0.9;
const MIN_STARTS_TO_LEARN = 10;

/** What the server said is left of its current window. */
interface Quota {
  remaining: number;
  resetAt: number;
}

function headerNumber(headers: Record<string, string>, names: string[]): number | undefined {
  for (const name of names) {
    const value = Number(headers[name] ?? Number.NaN);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * One budget per host, shared by every request to it: an adaptive concurrency limit (starts low,
 * grows by one after each window of clean responses, halves on 429 or when the server says few
 * requests remain), an optional requests-per-second cap, and host-wide pauses from `Retry-After`.
 *
 * When the server announces its window (`RateLimit-Remaining` + `RateLimit-Reset`, or the
 * `X-RateLimit-*` pair as GitHub sends them: the reset in seconds from now, or in epoch seconds), no
 * more requests start than remain, and the host waits for the reset instead of drawing 429s. When
 * it only answers 429, the budget learns a requests-per-second rate from the starts of the last
 * second, and raises it slowly while responses stay clean.
 */
export class RateBudget {
  readonly #options: RateBudgetOptions;
  readonly #runtime: Runtime;
  #limit: number;
  #active = 0;
  #clean = 0;
  #pausedUntil = 0;
  #nextStart = 0;
  #quota: Quota | undefined;
  #learnedRps: number | undefined;
  /** Start times of the last second (for learning a rate from a 429). */
  readonly #starts: number[] = [];
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

  /** The requests-per-second cap in force: the configured one, or a learned one if lower. */
  get requestsPerSecond(): number | undefined {
    const configured = this.#options.requestsPerSecond;
    const learned = this.#learnedRps;
    if (configured === undefined || learned === undefined) return configured ?? learned;
    return Math.min(configured, learned);
  }

  async #waitForStart(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const now = this.#runtime.now();
      const rps = this.requestsPerSecond;
      if (this.#quota !== undefined && now >= this.#quota.resetAt) this.#quota = undefined;
      const exhausted = this.#quota !== undefined && this.#quota.remaining <= 0;
      const startAt = Math.max(
        this.#pausedUntil,
        rps ? this.#nextStart : 0,
        exhausted ? (this.#quota?.resetAt ?? 0) : 0,
      );
      if (startAt <= now) {
        if (rps) this.#nextStart = Math.max(now, this.#nextStart) + 1000 / rps;
        if (this.#quota !== undefined) this.#quota.remaining--;
        this.#starts.push(now);
        while ((this.#starts[0] ?? now) <= now - 1000) this.#starts.shift();
        return;
      }
      await this.#runtime.sleep(startAt - now, signal);
    }
  }

  /** Takes the server's count of what is left in its window; false when it sent none. */
  #readQuota(headers: Record<string, string>): boolean {
    const remaining = headerNumber(headers, ['ratelimit-remaining', 'x-ratelimit-remaining']);
    const reset = headerNumber(headers, ['ratelimit-reset', 'x-ratelimit-reset']);
    if (remaining === undefined || reset === undefined) return false;
    const now = this.#runtime.now();
    // Epoch seconds (GitHub) or seconds from now (the IETF draft).
    const resetAt = reset > 1e9 ? reset * 1000 : now + reset * 1000;
    // Requests still in flight may not have been counted by the server yet: assume they were not.
    const left = remaining - this.#active;
    const quota = this.#quota;
    if (quota === undefined || resetAt > quota.resetAt + 500) this.#quota = { remaining: left, resetAt };
    else if (resetAt >= quota.resetAt - 500) quota.remaining = Math.min(quota.remaining, left);
    return true;
  }

  #observe(outcome: RequestOutcome): void {
    if (outcome.pauseSeconds !== undefined && outcome.pauseSeconds > 0) this.pause(outcome.pauseSeconds);
    const announced = this.#readQuota(outcome.headers);
    const remaining = headerNumber(outcome.headers, ['ratelimit-remaining', 'x-ratelimit-remaining']);
    if (outcome.status === 429 && !announced) {
      // Fewer starts than that say nothing about a per-second limit (the window may be longer).
      const since = this.#runtime.now() - 1000;
      const starts = this.#starts.filter((at) => at > since).length;
      if (starts >= MIN_STARTS_TO_LEARN) {
        const drew = starts * LEARNED_MARGIN;
        this.#learnedRps = Math.min(this.#learnedRps ?? drew, drew);
      }
    }
    if (outcome.status === 429 || (!announced && remaining !== undefined && remaining <= LOW_REMAINING)) {
      this.#limit = Math.max(1, Math.floor(this.#limit / 2));
      this.#clean = 0;
      return;
    }
    if (outcome.status === undefined || outcome.status >= 500) {
      this.#clean = 0;
      return;
    }
    // A learned rate creeps up by about half a request per second for each second of clean answers.
    if (this.#learnedRps !== undefined) this.#learnedRps += 0.5 / this.#learnedRps;
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
