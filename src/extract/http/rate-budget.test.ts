import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../runtime/runtime.js';
import { RateBudget, type RequestOutcome } from './rate-budget.js';

/** A runtime whose clock only moves when something sleeps (waking `lateMs` late) or is advanced. */
function fakeClock(lateMs = 0) {
  let now = 0;
  const sleeps: number[] = [];
  const runtime = createRuntime({
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms + lateMs;
    },
  });
  return { runtime, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

const OK = { status: 200, headers: {} };
const REFUSED = { status: 429, headers: {}, pauseSeconds: 1 };

/** An answer with the server's `Date`: its clock is `skewMs` behind ours. */
const dated = (status: number, at: number, skewMs = 0) => ({
  status,
  headers: { date: new Date(at - skewMs).toUTCString() },
  pauseSeconds: status === 429 ? 1 : undefined,
});

/**
 * `count` requests answered 200 (by `answer`, given the time it comes), each `everyMs` after the
 * one before (or when the budget lets it).
 */
async function acceptedEvery(
  budget: RateBudget,
  clock: ReturnType<typeof fakeClock>,
  count: number,
  everyMs: number,
  answer: (at: number) => RequestOutcome = () => OK,
) {
  for (let i = 0; i < count; i++) {
    clock.advance(everyMs);
    (await budget.acquire())(answer(clock.now()));
  }
}

/** An accepted answer dated by the server's clock. */
const datedOk = (at: number) => dated(200, at);

describe('the rate budget of a host', () => {
  it('starts at 4, grows by one after each window of clean responses, up to the maximum', async () => {
    const { runtime } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 6 }, runtime);
    expect(budget.limit).toBe(4);
    for (let i = 0; i < 4; i++) (await budget.acquire())({ status: 200, headers: {} });
    expect(budget.limit).toBe(5);
    for (let i = 0; i < 20; i++) (await budget.acquire())({ status: 200, headers: {} });
    expect(budget.limit).toBe(6);
  });

  it('halves on 429 and when the server says few requests remain', async () => {
    const { runtime } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 16 }, runtime);
    (await budget.acquire())({ status: 429, headers: {} });
    expect(budget.limit).toBe(2);
    (await budget.acquire())({ status: 200, headers: { 'x-ratelimit-remaining': '1' } });
    expect(budget.limit).toBe(1);
    (await budget.acquire())({ status: 429, headers: {} });
    expect(budget.limit).toBe(1);
  });

  it('halves once for the 429s of requests that were in flight together, again for a later one', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 16 }, clock.runtime);
    for (let i = 0; i < 12; i++) (await budget.acquire())(OK);
    expect(budget.limit).toBe(6);
    const inFlight = await Promise.all(Array.from({ length: 6 }, () => budget.acquire()));
    clock.advance(20);
    for (const release of inFlight) release({ status: 429, headers: {} });
    expect(budget.limit).toBe(3);
    clock.advance(5);
    (await budget.acquire())({ status: 429, headers: {} });
    expect(budget.limit).toBe(1);
  });

  it('holds requests beyond the limit until a slot is released', async () => {
    const { runtime } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 1 }, runtime);
    const first = await budget.acquire();
    let second = false;
    const waiting = budget.acquire().then((release) => {
      second = true;
      release({ status: 200, headers: {} });
    });
    await Promise.resolve();
    expect(second).toBe(false);
    first({ status: 200, headers: {} });
    await waiting;
    expect(second).toBe(true);
  });

  it('pauses the whole host for a Retry-After and spaces starts under a requests-per-second cap', async () => {
    const { runtime, sleeps } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 4, requestsPerSecond: 10 }, runtime);
    (await budget.acquire())({ status: 429, headers: {}, pauseSeconds: 2 });
    (await budget.acquire())({ status: 200, headers: {} });
    expect(sleeps[0]).toBe(2000);
    (await budget.acquire())({ status: 200, headers: {} });
    expect(sleeps.at(-1)).toBe(100);
  });

  it('starts no more requests than the server says remain, then waits for its reset', async () => {
    const { runtime, sleeps } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 4 }, runtime);
    // GitHub's form: the reset in epoch seconds; 2 left in a window that ends 1.5 s from now.
    const reset = String((runtime.now() + 1500) / 1000 + 2e9);
    const atReset = 2e9 * 1000 + 1500;
    (await budget.acquire())({
      status: 200,
      headers: { 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': reset },
    });
    expect(budget.limit).toBe(4);
    (await budget.acquire())({ status: 200, headers: {} });
    (await budget.acquire())({ status: 200, headers: {} });
    expect(sleeps).toEqual([]);
    (await budget.acquire())({ status: 200, headers: {} });
    expect(sleeps).toEqual([atReset]);
  });

  it('gives a place back when a request in flight at the newest count answers with an older one', async () => {
    const { runtime, sleeps } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 4 }, runtime);
    const reset = String((runtime.now() + 1500) / 1000 + 2e9);
    const window = (remaining: number) => ({
      status: 200,
      headers: { 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': reset },
    });
    const [first, second, third] = [await budget.acquire(), await budget.acquire(), await budget.acquire()];
    // The third answers first: 5 left, but the two in flight may not be counted yet.
    third(window(5));
    // Both were counted before it after all (their counts are older): 5 may start, not 3.
    first(window(7));
    second(window(6));
    for (let i = 0; i < 5; i++) (await budget.acquire())(window(4 - i));
    expect(sleeps).toEqual([]);
    (await budget.acquire())(OK);
    expect(sleeps).toEqual([2e9 * 1000 + 1500]);
  });

  it('reads a reset given in seconds from now (IETF RateLimit-Reset)', async () => {
    const { runtime, sleeps } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 4 }, runtime);
    (await budget.acquire())({
      status: 200,
      headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '3' },
    });
    (await budget.acquire())({ status: 200, headers: {} });
    expect(sleeps).toEqual([3000]);
  });

  it('learns a rate just under what the server accepted in the second before a 429', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    // Refused and failed answers in that second were not let through: they do not count.
    (await budget.acquire())({ status: 503, headers: {} });
    (await budget.acquire())({ status: 429, headers: {} });
    expect(budget.requestsPerSecond).toBeUndefined();
    await acceptedEvery(budget, clock, 50, 20);
    (await budget.acquire())(REFUSED);
    // 50 accepted within the second (not 52 starts, nor 90 % of them): 49 a second.
    expect(budget.requestsPerSecond).toBe(49);
  });

  it('learns nothing from a 429 after fewer than 10 accepted answers in that second', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 30, 120);
    (await budget.acquire())(REFUSED);
    expect(budget.requestsPerSecond).toBeUndefined();
  });

  it('keeps a learned rate exactly although the timer wakes late, and never starts more in a second', async () => {
    const clock = fakeClock(3);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 100, 10);
    (await budget.acquire())({ status: 429, headers: {} });
    const rate = budget.requestsPerSecond ?? 0;
    expect(rate).toBe(98);
    const starts: number[] = [];
    for (let i = 0; i < 490; i++) {
      (await budget.acquire())({ status: 500, headers: {} });
      starts.push(clock.now());
    }
    // Each sleep of ~10 ms wakes 3 ms late: spacing start to start would fall to 77 a second.
    const perSecond = (starts.length - 1) / (((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / 1000);
    expect(perSecond).toBeGreaterThan(97);
    const busiest = Math.max(...starts.map((at) => starts.filter((t) => t > at - 1000 && t <= at).length));
    expect(busiest).toBeLessThanOrEqual(98);
  });

  it('does not learn twice from the 429s of one refusal', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 50, 20);
    const inFlight = await Promise.all([budget.acquire(), budget.acquire(), budget.acquire()]);
    for (const release of inFlight) {
      release({ status: 429, headers: {} });
      clock.advance(5);
    }
    expect(budget.requestsPerSecond).toBe(49);
    // Without a Retry-After, requests at the rate are refused until the server's window turns,
    // before any is accepted: still the same refusal.
    (await budget.acquire())({ status: 429, headers: {} });
    (await budget.acquire())({ status: 429, headers: {} });
    expect(budget.requestsPerSecond).toBe(49);
  });

  it('steps down when a 429 comes back soon after the server accepted the learned rate', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 50, 20);
    (await budget.acquire())(REFUSED);
    // A fixed window let 50 through across its boundary; at 49 a second it refuses again 1.2 s on.
    await acceptedEvery(budget, clock, 59, 0);
    expect(budget.requestsPerSecond).toBe(49);
    (await budget.acquire())(REFUSED);
    // Held 1.2 s after a 1 s pause: by the full first step, to 85 % of 49.
    expect(budget.requestsPerSecond).toBeCloseTo(41.65, 5);
    // Refused again soon after: a deeper step, to 85 % of 85 % (of the rate as it had crept up).
    await acceptedEvery(budget, clock, 50, 0);
    const crept = budget.requestsPerSecond ?? 0;
    (await budget.acquire())(REFUSED);
    expect(budget.requestsPerSecond).toBeCloseTo(crept * 0.85 ** 2, 5);
  });

  it('steps down little when the server took the rate for long before refusing it', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 50, 20);
    (await budget.acquire())(REFUSED);
    await acceptedEvery(budget, clock, 49 * 50, 0);
    (await budget.acquire())(REFUSED);
    // Held 50 s after a 1 s pause: 50/51 of 49 (48.04), and just under the 48 accepted in the
    // second before (the 49th was refused): 47, not 70 % of 49.
    expect(budget.requestsPerSecond).toBe(47);
  });

  it('creeps back up while answers stay clean, for a minute not past the rate a 429 showed too high', async () => {
    const clock = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 50, 20);
    (await budget.acquire())(REFUSED);
    await acceptedEvery(budget, clock, 59, 0);
    (await budget.acquire())(REFUSED);
    const stepped = budget.requestsPerSecond ?? 0;
    await acceptedEvery(budget, clock, 10, 0);
    expect(budget.requestsPerSecond).toBeGreaterThan(stepped);
    await acceptedEvery(budget, clock, 1500, 0);
    // The server let 48 through in the second before it refused the 49th: the creep stops just
    // under that, at 47, until a minute has passed without a 429.
    expect(budget.requestsPerSecond).toBe(47);
    await acceptedEvery(budget, clock, 2000, 0);
    expect(budget.requestsPerSecond).toBeGreaterThan(47);
  });

  it("learns a fixed window's limit from the server's Date, though the second before the 429 spans two windows", async () => {
    const clock = fakeClock();
    clock.advance(10_700);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    // 29 accepted in the last 300 ms of the server's second 10, then 50 in the first half of 11.
    await acceptedEvery(budget, clock, 79, 10, datedOk);
    (await budget.acquire())(dated(429, clock.now()));
    // 79 in the second before the 429, but the window that refused had let 50 through: 49 a second.
    expect(budget.requestsPerSecond).toBe(49);
  });

  it('reads the second from the Date the server sends, not from the local clock', async () => {
    const clock = fakeClock();
    clock.advance(10_700);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    // The same answers from a server whose clock runs 400 ms behind: its second 11 began at 11.4 s.
    await acceptedEvery(budget, clock, 79, 10, (at) => dated(200, at, 400));
    (await budget.acquire())(dated(429, clock.now(), 400));
    // 70 before its second turned, 9 after: not a window that took 9 (an earlier second took more).
    // So the count of the second before: 79, less the 2 % margin.
    expect(budget.requestsPerSecond).toBeCloseTo(79 * 0.98, 5);
  });

  it('keeps the count of the second before when an earlier server second took more than the one that refused', async () => {
    const clock = fakeClock();
    clock.advance(10_000);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    // A sliding window or a bucket: 60 accepted in second 10, 25 in second 11, then a 429.
    await acceptedEvery(budget, clock, 60, 16, datedOk);
    await acceptedEvery(budget, clock, 25, 10, datedOk);
    (await budget.acquire())(dated(429, clock.now()));
    // Second 10 took 63 (60, and 3 more before it turned), second 11 took 22. The second before
    // the 429 (at 11.21 s) holds 47 of the first 60 and all 25: 72, less the 2 % margin.
    expect(budget.requestsPerSecond).toBeCloseTo(72 * 0.98, 5);
  });

  it('steps down by the margin, not 15 %, when a window it knows refuses a rate already under it', async () => {
    const clock = fakeClock();
    clock.advance(10_500);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 50, 5, datedOk);
    (await budget.acquire())(dated(429, clock.now()));
    expect(budget.requestsPerSecond).toBe(49);
    // At 49 a second; requests that bunched on their way put 51 into the server's second 13.
    clock.advance(1000);
    await acceptedEvery(budget, clock, 100, 0, datedOk);
    const second = Math.floor(clock.now() / 1000);
    let inSecond = 0;
    for (let at = second * 1000; inSecond < 50; at += 10, inSecond++) {
      const release = await budget.acquire();
      release(dated(200, at));
    }
    (await budget.acquire())(dated(429, second * 1000 + 900));
    expect(budget.requestsPerSecond).toBeGreaterThanOrEqual(47.9);
    expect(budget.requestsPerSecond).toBeLessThan(49);
  });

  it('learns from a 429 once the requests started before it have answered: those the server accepted count', async () => {
    const clock = fakeClock();
    clock.advance(10_500);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 45, 5, datedOk);
    // Five more accepted are slow to answer; the 429 of the request started after them comes first.
    const slow = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1);
      slow.push(await budget.acquire());
    }
    clock.advance(1);
    (await budget.acquire())(dated(429, clock.now()));
    expect(budget.requestsPerSecond).toBeUndefined();
    for (const release of slow) release(dated(200, clock.now()));
    expect(budget.requestsPerSecond).toBe(49);
  });

  it('learns from a 429 a second after it came, though a request started before it still hangs', async () => {
    const clock = fakeClock();
    clock.advance(10_500);
    const budget = new RateBudget({ maxConcurrency: 8 }, clock.runtime);
    await acceptedEvery(budget, clock, 45, 5, datedOk);
    clock.advance(1);
    const hanging = await budget.acquire();
    clock.advance(1);
    (await budget.acquire())(dated(429, clock.now()));
    expect(budget.requestsPerSecond).toBeUndefined();
    // The Retry-After second: the next answer finds the 429 a second old and learns from it.
    (await budget.acquire())(dated(200, clock.now()));
    expect(budget.requestsPerSecond).toBeCloseTo(44, 5);
    hanging(dated(200, clock.now()));
    expect(budget.requestsPerSecond).toBeCloseTo(44, 5);
  });
});
