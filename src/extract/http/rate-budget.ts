import type { Runtime } from '../../runtime/runtime.js';
import { LearnedRate } from './learned-rate.js';

/** Requests in flight per host when neither the config nor the caller sets a concurrency. */
export const DEFAULT_CONCURRENCY = 16;

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
/** What the server said is left of its current window. */
interface Quota {
  /** Requests that may still start in this window. */
  remaining: number;
  resetAt: number;
  /** The lowest remaining count the server sent in this window: the newest it counted. */
  basis: number;
  /** Requests in flight when `basis` came, that it may not have counted (taken off `remaining`). */
  uncounted: number;
}

function headerNumber(headers: Record<string, string>, names: string[]): number | undefined {
  for (const name of names) {
    const value = Number(headers[name] ?? Number.NaN);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

let lastDate: { text: string; second: number | undefined } | undefined;
/** The answer's `Date` in whole seconds since the epoch (answers of one second share the text). */
function serverSecond(headers: Record<string, string>): number | undefined {
  const text = headers.date;
  if (text === undefined) return undefined;
  if (lastDate?.text !== text) {
    const ms = Date.parse(text);
    lastDate = { text, second: Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined };
  }
  return lastDate.second;
}

/** An answer the server counted against its limit and served: not refused, not failed. */
function isAccepted(status: number | undefined): boolean {
  return status !== undefined && status !== 429 && status < 500;
}

/**
 * One budget per host, shared by every request to it: an adaptive concurrency limit (starts low,
 * grows by one after each window of clean responses, halves on 429 or when the server says few
 * requests remain, once for the requests that were in flight together), an optional requests-per-second cap, and host-wide pauses from `Retry-After`.
 *
 * When the server announces its window (`RateLimit-Remaining` + `RateLimit-Reset`, or the
 * `X-RateLimit-*` pair as GitHub sends them: the reset in seconds from now, or in epoch seconds), no
 * more requests start than remain, and the host waits for the reset instead of drawing 429s. When
 * it only answers 429, the budget learns a requests-per-second rate (`LearnedRate`). A rate is kept
 * two ways: starts one interval apart (a timer that wakes late does not push the schedule back),
 * and never more starts in any second than the rate.
 */
export class RateBudget {
  readonly #options: RateBudgetOptions;
  readonly #runtime: Runtime;
  #limit: number;
  #active = 0;
  #clean = 0;
  #pausedUntil = 0;
  #nextStart = 0;
  /** When the limit was last halved: refusals of requests started before are that same signal. */
  #halvedAt = Number.NEGATIVE_INFINITY;
  #quota: Quota | undefined;
  readonly #learned = new LearnedRate();
  /** Start times of the requests in flight. */
  readonly #inFlight: number[] = [];
  /**
   * A 429 to learn from once every request started before it has answered (a 429 comes back
   * faster than the pages the server accepted just before it, and those count), or a second after
   * it came, so that one hanging request does not hold the lesson back.
   */
  #refusal: { startedAt: number; second: number | undefined; at: number } | undefined;
  /** Start times of the last second, oldest first. */
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
    let startedAt: number;
    try {
      startedAt = await this.#waitForStart(signal);
    } catch (error) {
      this.#active--;
      this.#wake();
      throw error;
    }
    this.#inFlight.push(startedAt);
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      this.#active--;
      this.#inFlight.splice(this.#inFlight.indexOf(startedAt), 1);
      this.#observe(outcome, startedAt);
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
    const learned = this.#learned.rps;
    if (configured === undefined || learned === undefined) return configured ?? learned;
    return Math.min(configured, learned);
  }

  /** Waits until a request may start; returns its start time. */
  async #waitForStart(signal: AbortSignal | undefined): Promise<number> {
    let scheduledFor: number | undefined;
    for (;;) {
      const now = this.#runtime.now();
      const rps = this.requestsPerSecond;
      while ((this.#starts[0] ?? now) <= now - 1000) this.#starts.shift();
      if (this.#quota !== undefined && now >= this.#quota.resetAt) this.#quota = undefined;
      const exhausted = this.#quota !== undefined && this.#quota.remaining <= 0;
      const perSecond = rps ? Math.max(1, Math.floor(rps)) : Number.POSITIVE_INFINITY;
      const secondFull = this.#starts.length >= perSecond;
      const startAt = Math.max(
        this.#pausedUntil,
        rps ? this.#nextStart : 0,
        secondFull ? (this.#starts[this.#starts.length - perSecond] ?? 0) + 1000 : 0,
        exhausted ? (this.#quota?.resetAt ?? 0) : 0,
      );
      if (startAt <= now) {
        if (rps) {
          // A start that waited for its turn and woke late keeps the schedule (up to one interval
          // behind), so the timer's lateness does not lower the rate; the count above still holds.
          const interval = 1000 / rps;
          const late = scheduledFor === undefined ? 0 : Math.min(now - scheduledFor, interval);
          this.#nextStart = Math.max(now - late, this.#nextStart) + interval;
        }
        if (this.#quota !== undefined) this.#quota.remaining--;
        this.#starts.push(now);
        this.#learned.started(now);
        return now;
      }
      scheduledFor = rps && startAt === this.#nextStart ? startAt : undefined;
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
    const quota = this.#quota;
    if (quota !== undefined && resetAt < quota.resetAt - 500) return true; // an answer of a past window
    if (quota === undefined || resetAt > quota.resetAt + 500 || remaining < quota.basis) {
      // The newest count: requests still in flight may not be in it yet, so assume they are not.
      this.#quota = {
        remaining: remaining - this.#active,
        resetAt,
        basis: remaining,
        uncounted: this.#active,
      };
    } else if (remaining > quota.basis && quota.uncounted > 0) {
      // An older count: this request was in flight when the newest came, and counted in it after
      // all, so its place is given back. Without this, the requests in flight at a window's end
      // left its last places unused, and a walk spilled into one more window.
      quota.uncounted--;
      quota.remaining++;
    }
    return true;
  }

  #observe(outcome: RequestOutcome, startedAt: number): void {
    if (outcome.pauseSeconds !== undefined && outcome.pauseSeconds > 0) this.pause(outcome.pauseSeconds);
    const announced = this.#readQuota(outcome.headers);
    const remaining = headerNumber(outcome.headers, ['ratelimit-remaining', 'x-ratelimit-remaining']);
    const now = this.#runtime.now();
    const second = serverSecond(outcome.headers);
    if (isAccepted(outcome.status)) this.#learned.accepted(startedAt, now, second);
    if (outcome.status === 429 && !announced && this.#refusal === undefined)
      this.#refusal = { startedAt, second, at: now };
    const refusal = this.#refusal;
    const answered = refusal !== undefined && !this.#inFlight.some((at) => at < refusal.startedAt);
    if (refusal !== undefined && (answered || now - refusal.at >= 1000)) {
      this.#refusal = undefined;
      this.#learned.refused(refusal.startedAt, now, refusal.second);
    }
    if (outcome.status === 429 || (!announced && remaining !== undefined && remaining <= LOW_REMAINING)) {
      // Eight requests in flight refused at once are one refusal: the limit halves once for them,
      // not down to 1, and again only for a request started after that.
      if (startedAt >= this.#halvedAt) {
        this.#limit = Math.max(1, Math.floor(this.#limit / 2));
        this.#halvedAt = now;
      }
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
