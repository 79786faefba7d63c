import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../runtime/runtime.js';
import { RateBudget } from './rate-budget.js';

/** A runtime whose clock only moves when something sleeps. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  const runtime = createRuntime({
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  return { runtime, sleeps };
}

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

  it('learns a requests-per-second rate from a 429 without rate headers', async () => {
    const { runtime, sleeps } = fakeClock();
    const budget = new RateBudget({ maxConcurrency: 8 }, runtime);
    for (let i = 0; i < 10; i++) (await budget.acquire())({ status: 200, headers: {} });
    (await budget.acquire())({ status: 429, headers: {} });
    // 11 starts within the last second drew the 429: 90 % of that, 9.9 per second.
    expect(budget.requestsPerSecond).toBeCloseTo(9.9, 5);
    (await budget.acquire())({ status: 200, headers: {} });
    (await budget.acquire())({ status: 200, headers: {} });
    expect(sleeps.at(-1)).toBeGreaterThan(95);
    expect(budget.requestsPerSecond).toBeGreaterThan(9.9);
  });
});
