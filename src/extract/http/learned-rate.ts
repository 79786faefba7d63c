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

interface Accepted {
  at: number;
  /** The answer's `Date`, in whole seconds since the epoch (when it had one). */
  second: number | undefined;
}

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
 *
 * Most servers that answer only 429 count requests per second of their own clock (a counter per
 * second, as GitHub's windows turn on epoch seconds). Their `Date` header names that second, so
 * what they accepted in the second that refused is their limit exactly, though the second before
 * the refusal spanned two windows. That count is used when the answers fit such a window: no
 * earlier second took more. Refused again under a rate just under it, the requests bunched on
 * their way (a busy event loop): the rate steps down by the margin, not by 15 %.
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
  /** Accepted requests of about the last three seconds: start time, and the server's second. */
  readonly #accepted: Accepted[] = [];

  started(now: number): void {
    if (this.rps !== undefined) this.#firstStartAt ??= now;
  }

  accepted(startedAt: number, now: number, second?: number): void {
    while ((this.#accepted[0]?.at ?? now) <= now - 3000) this.#accepted.shift();
    this.#accepted.push({ at: startedAt, second });
    if (startedAt >= this.#setAt) this.#acceptedAtRate = true;
    const rps = this.rps;
    if (rps === undefined) return;
    // At the rate, `rps` clean answers a second each add CREEP_PER_SECOND: that fraction per second.
    const ceiling = now < this.#ceilingUntil ? justUnder(this.#ceiling) : Number.POSITIVE_INFINITY;
    this.rps = Math.max(rps, Math.min(rps + CREEP_PER_SECOND, ceiling));
  }

  refused(startedAt: number, now: number, second?: number): void {
    const current = this.rps;
    if (startedAt < this.#setAt || (current !== undefined && !this.#acceptedAtRate)) return;
    const window = second === undefined ? undefined : this.#acceptedInServerSecond(second);
    if (window !== undefined) {
      // Just under the window's limit, or by the margin under a rate that was already there.
      const next = justUnder(window);
      this.#set(current !== undefined && next >= current ? justUnder(current) : next, window, now);
      return;
    }
    // What the server had let through in the second before it refused this request.
    const count = this.#accepted.filter(({ at }) => at > startedAt - 1000 && at <= startedAt).length;
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
    this.#set(next, current === undefined ? count : Math.min(count, current), now);
  }

  /** Sets the rate after a refusal that showed `letThrough` a second to be too much. */
  #set(rps: number, letThrough: number, now: number): void {
    this.#ceiling = now < this.#ceilingUntil ? Math.min(this.#ceiling, letThrough) : letThrough;
    this.#ceilingUntil = now + CEILING_HOLD_MS;
    this.rps = rps;
    this.#setAt = now;
    this.#firstStartAt = undefined;
    this.#acceptedAtRate = false;
  }

  /**
   * What the server accepted in its clock second `second`, when its answers fit a window that turns
   * with that second: at least MIN_ACCEPTED_TO_LEARN, and no earlier second took more.
   */
  #acceptedInServerSecond(second: number): number | undefined {
    const perSecond = new Map<number, number>();
    for (const accepted of this.#accepted) {
      if (accepted.second !== undefined && accepted.second <= second)
        perSecond.set(accepted.second, (perSecond.get(accepted.second) ?? 0) + 1);
    }
    const inSecond = perSecond.get(second) ?? 0;
    if (inSecond < MIN_ACCEPTED_TO_LEARN) return undefined;
    for (const count of perSecond.values()) if (count > inSecond) return undefined;
    return inSecond;
  }
}
