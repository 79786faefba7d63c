/**
 * The demo API's rate limit, as GitHub and many others do it: a fixed number of requests per
 * wall-clock second; every answer says how many remain and when the window resets
 * (`X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` in epoch seconds), and a request
 * over the limit gets 429 with `Retry-After`. `headers: false` leaves out the `X-RateLimit-*`
 * headers: a client then learns the limit from 429s alone.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #headers: boolean;
  #window = -1;
  #used = 0;

  constructor(limitPerSecond: number, options: { headers?: boolean } = {}) {
    this.#limit = limitPerSecond;
    this.#headers = options.headers ?? true;
  }

  /** Counts a request at `nowMs`; the headers to send and whether it is over the limit. */
  take(nowMs: number): { allowed: boolean; headers: Record<string, string> } {
    const window = Math.floor(nowMs / 1000);
    if (window !== this.#window) {
      this.#window = window;
      this.#used = 0;
    }
    const allowed = this.#used < this.#limit;
    if (allowed) this.#used++;
    const headers: Record<string, string> = this.#headers
      ? {
          'x-ratelimit-limit': String(this.#limit),
          'x-ratelimit-remaining': String(this.#limit - this.#used),
          'x-ratelimit-reset': String(window + 1),
        }
      : {};
    if (!allowed) headers['retry-after'] = '1';
    return { allowed, headers };
  }
}
