/** Fewer answers accepted in the second before a 429 say nothing about a per-second limit. */
const MIN_ACCEPTED_TO_LEARN = 10;
/** A learned rate stays this far under what the server accepted (at least one request): arrival jitter. */
const LEARNED_MARGIN = 0.02;
/** A 429 that comes back under a learned rate steps it down to this, and again to this of that… */
const STEP_DOWN = 0.85;
/** A learned rate grows by this fraction per second of clean answers (up to its ceiling, if any). */
const CREEP_PER_SECOND = 0.01;
/** After this long without a 429, what the last one showed no longer holds the creep back. */
const CEILING_HOLD_MS = 60_000;

/** A rate just under `count` per second, by the margin that arrival jitter needs. */
function justUnder(count: number): number {
  return count - Math.max(1, count * LEARNED_MARGIN);
}

/**
 * A requests-per-second rate learned from 429s that came without rate headers. What the server
 * accepted in the second before a 429 is what its limit let through, so the rate is set just under
 * that count: exact for a sliding window, but a fixed window lets up to twice its limit through
 * across its boundary, and a token bucket its burst. So a 429 that comes back under the rate, once
 * the server has accepted requests sent at it, steps the rate down: to just under the new count,
 * and by 15 %, then 28 %, 39 %… for each further one within a minute. Less when the server took the
 * rate for long: a bucket that took it for `held` seconds after refilling through a `quiet` pause
 * refills at no less than held / (held + quiet) of it, and a rate refused after minutes barely
 * moves. A 429 of a request sent before the rate was set is the same refusal again. While answers
 * stay clean the rate creeps up, but for a minute not past just under the last count a 429 showed
 * to be too much.
 */
export class LearnedRate {
  rps: number | undefined;
  /** What the server let through in the second before its last 429: the creep stops just under it. */
  #ceiling = Number.POSITIVE_INFINITY;
  #ceilingUntil = Number.NEGATIVE_INFINITY;
  /** When the rate was last set: a 429 of a request started before belongs to that refusal. */
  #setAt = Number.NEGATIVE_INFINITY;
  /** The first start at the rate (after the pause that usually follows its 429). */
  #firstStartAt: number | undefined;
  #acceptedAtRate = false;
  /** 429s that came back under the learned rate, since a minute without one. */
  #stepsDown = 0;
  /** Start times of accepted requests, about the last two seconds. */
  readonly #accepted: number[] = [];

  started(now: number): void {
    if (this.rps !== undefined) this.#firstStartAt ??= now;
  }

  accepted(startedAt: number, now: number): void {
    while ((this.#accepted[0] ?? now) <= now - 2000) this.#accepted.shift();
    this.#accepted.push(startedAt);
    if (startedAt >= this.#setAt) this.#acceptedAtRate = true;
    const rps = this.rps;
    if (rps === undefined) return;
    // At the rate, `rps` clean answers a second each add CREEP_PER_SECOND: that fraction per second.
    const ceiling = now < this.#ceilingUntil ? justUnder(this.#ceiling) : Number.POSITIVE_INFINITY;
    this.rps = Math.max(rps, Math.min(rps + CREEP_PER_SECOND, ceiling));
  }

  refused(startedAt: number, now: number): void {
    const current = this.rps;
    if (startedAt < this.#setAt || (current !== undefined && !this.#acceptedAtRate)) return;
    // What the server had let through in the second before it refused this request.
    const count = this.#accepted.filter((at) => at > startedAt - 1000 && at <= startedAt).length;
    if (count < MIN_ACCEPTED_TO_LEARN) return;
    let next = justUnder(count);
    if (current !== undefined) {
      const since = this.#firstStartAt ?? now;
      const held = Math.max(0, startedAt - since);
      const quiet = Math.max(0, since - this.#setAt);
      this.#stepsDown = now < this.#ceilingUntil ? this.#stepsDown + 1 : 1;
      const step = held + quiet > 0 ? held / (held + quiet) : 1;
      next = Math.min(next, current * Math.max(STEP_DOWN ** this.#stepsDown, step));
    }
    const letThrough = current === undefined ? count : Math.min(count, current);
    this.#ceiling = now < this.#ceilingUntil ? Math.min(this.#ceiling, letThrough) : letThrough;
    this.#ceilingUntil = now + CEILING_HOLD_MS;
    this.rps = next;
    this.#setAt = now;
    this.#firstStartAt = undefined;
    this.#acceptedAtRate = false;
  }
}
