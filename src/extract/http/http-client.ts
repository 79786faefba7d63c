import { Agent, type Dispatcher, request } from 'undici';
import { redactUrl, secretRegistry } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { bodyExcerpt } from './body-excerpt.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readBody } from './body-reader.js';
import { describeNetworkError, statusError } from './http-errors.js';
import type { HttpRequest, HttpResponse } from './http-message.js';
import { RateBudget } from './rate-budget.js';
import {
  isFollowedRedirect,
  MAX_REDIRECTS,
  redirectRequest,
  tooManyRedirectsError,
  unfollowedRedirectError,
} from './redirect-policy.js';
import { parseRetryAfter, type RetryPolicy, retryWaitSeconds } from './retry-policy.js';

export type { HttpRequest, HttpResponse } from './http-message.js';
export { bodyExcerpt };

export interface HttpClientOptions {
  policy: RetryPolicy;
  /** Total deadline of one attempt, connect to last body byte, in ms (dlt: 60 s per socket wait). */
  timeoutMs: number;
  runtime: Runtime;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Most requests in flight per host (the adaptive limit's ceiling); 1 is dlt's sequential behaviour. */
  concurrency?: number;
  requestsPerSecond?: number | undefined;
  /** Largest body read, in bytes (`client.max_response_bytes`); default 256 MiB. */
  maxResponseBytes?: number | undefined;
}

function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

type Attempt = { kind: 'response'; response: HttpResponse } | { kind: 'error'; error: TributaryError };

/**
 * Sends requests with dlt's retry rules: 429, 5xx (as configured), dropped connections and
 * timeouts are retried with exponential backoff or the server's `Retry-After`; anything else
 * fails at once. Redirects are followed as `redirect-policy.ts` says (credentials stay with their
 * origin), bodies are capped at `maxResponseBytes`, and one attempt, redirects included, has
 * `timeoutMs` in all. Every URL in events and errors is redacted.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #budgets = new Map<string, RateBudget>();

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent({ connections: 50, keepAliveTimeout: 10_000 });
  }

  /** The shared budget of a host (created on first use). */
  budget(url: string): RateBudget {
    const host = new URL(url).host;
    let budget = this.#budgets.get(host);
    if (budget === undefined) {
      budget = new RateBudget(
        {
          maxConcurrency: this.#options.concurrency ?? 1,
          requestsPerSecond: this.#options.requestsPerSecond,
        },
        this.#options.runtime,
      );
      this.#budgets.set(host, budget);
    }
    return budget;
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /**
   * Sends one request, retrying as the policy says. `inspect` sees every response (retries
   * included) before its status is judged; when it answers `ignore`, the response is returned
   * marked `ignored` whatever its status. `accept` judges the body of a response below 400: the
   * error it returns fails the request, or, when retryable (a cut-off JSON body), is retried like
   * a dropped connection.
   */
  async send(
    req: HttpRequest,
    resource: string,
    inspect?: (response: HttpResponse) => 'ignore' | undefined,
    requestSignal?: AbortSignal,
    accept?: (response: HttpResponse) => TributaryError | undefined,
  ): Promise<HttpResponse & { ignored?: true }> {
    const { policy, runtime } = this.#options;
    // A signal of this request's own, even from one source: its waits (a slot, a backoff) listen
    // on it, so that 16 requests in flight do not put 16 listeners on the run's shared signal
    // (past 10, Node prints a MaxListenersExceededWarning on stderr).
    const sources = [requestSignal, this.#options.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = sources.length > 0 ? AbortSignal.any(sources) : undefined;
    const shownUrl = redactUrl(req.url);
    const budget = this.budget(req.url);
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const queuedAt = performance.now();
      const release = await budget.acquire(signal);
      const throttleMs = Math.round(performance.now() - queuedAt);
      const shown = { resource, method: req.method, url: shownUrl, attempt };
      runtime.emit({ type: 'request', ...shown, ...(throttleMs > 0 ? { throttleMs } : {}) });
      const sentAt = performance.now();
      let outcome: Attempt = await this.#attempt(req, shownUrl, signal);
      const status = outcome.kind === 'response' ? outcome.response.status : undefined;
      runtime.emit({
        type: 'response',
        ...shown,
        status,
        ...(outcome.kind === 'error' ? { error: outcome.error.code } : {}),
        bytes: outcome.kind === 'response' ? outcome.response.body.length : 0,
        durationMs: performance.now() - sentAt,
      });
      const headers = outcome.kind === 'response' ? outcome.response.headers : {};
      const hinted =
        status === 429 || status === 503 ? parseRetryAfter(headers['retry-after'], runtime.now()) : undefined;
      // A Retry-After pauses the whole host only when this request will wait it out too: one that
      // gives up (attempts or total wait spent) must not hold its siblings back.
      const pauseSeconds = hinted === undefined ? undefined : Math.min(hinted, policy.maxDelay);
      const willRetry =
        status !== undefined &&
        policy.statusCodes.has(status) &&
        attempt < policy.maxAttempts &&
        waited + (pauseSeconds ?? 0) * 1000 <= policy.maxTotalWait * 1000;
      release({ status, headers, pauseSeconds: willRetry ? pauseSeconds : undefined });
      if (outcome.kind === 'response') {
        const { response } = outcome;
        if (inspect?.(response) === 'ignore') return { ...response, ignored: true };
        const refused = response.status < 400 ? accept?.(response) : undefined;
        if (refused === undefined && response.status < 400) return response;
        if (refused !== undefined) outcome = { kind: 'error', error: refused };
      }
      if (outcome.kind === 'response') {
        const { response } = outcome;
        const retryable = policy.statusCodes.has(response.status);
        const failure = statusError(req, shownUrl, response, attempt, retryable);
        if (!retryable || attempt >= policy.maxAttempts) throw failure;
        waited += await this.#wait(
          req,
          resource,
          shownUrl,
          attempt,
          `${response.status}`,
          response.headers['retry-after'],
          waited,
          signal,
        );
        continue;
      }
      if (!outcome.error.retryable || attempt >= policy.maxAttempts) {
        throw new TributaryError(
          outcome.error.code,
          `${outcome.error.message}${attempt > 1 ? ` after ${attempt} attempts` : ''}`,
          {
            retryable: outcome.error.retryable,
            context: { ...outcome.error.context, attempts: attempt },
            cause: outcome.error.cause,
          },
        );
      }
      waited += await this.#wait(
        req,
        resource,
        shownUrl,
        attempt,
        outcome.error.message,
        undefined,
        waited,
        signal,
      );
    }
  }

  async #wait(
    req: HttpRequest,
    resource: string,
    url: string,
    attempt: number,
    reason: string,
    retryAfter: string | undefined,
    waitedMs: number,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const { runtime, policy } = this.#options;
    const hinted = parseRetryAfter(retryAfter, runtime.now()) !== undefined;
    let waitMs = retryWaitSeconds(attempt, policy, retryAfter, runtime.now()) * 1000;
    // Jitter (±20%) spreads retries of concurrent requests apart; a server's Retry-After is kept exact.
    if (!hinted) waitMs *= 0.8 + 0.4 * (runtime.randomBytes(4).readUInt32LE() / 2 ** 32);
    waitMs = Math.round(waitMs);
    if (waitedMs + waitMs > policy.maxTotalWait * 1000) {
      throw new TributaryError(
        'HTTP_STATUS',
        `${req.method} ${url} failed: ${reason}; retrying would wait more than ${policy.maxTotalWait} s in all`,
        { retryable: true, context: { url, attempts: attempt } },
      );
    }
    runtime.emit({ type: 'retry', resource, method: req.method, url, attempt, reason, waitMs });
    await runtime.sleep(waitMs, signal);
    return waitMs;
  }

  async #attempt(req: HttpRequest, url: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const { timeoutMs } = this.#options;
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      return { kind: 'response', response: await this.#exchange(req, combined) };
    } catch (cause) {
      if (signal?.aborted) throw signal.reason ?? cause;
      const timedOut = deadline.aborted;
      if (cause instanceof TributaryError && !timedOut) return { kind: 'error', error: cause };
      const detail = timedOut
        ? `no complete response within ${timeoutMs / 1000} s`
        : secretRegistry.redact(describeNetworkError(cause));
      return {
        kind: 'error',
        error: new TributaryError(
          timedOut ? 'HTTP_TIMEOUT' : 'HTTP_NETWORK',
          `${req.method} ${url} failed: ${detail}`,
          { retryable: true, context: { url }, cause },
        ),
      };
    }
  }

  /** One attempt: the request and the redirects it leads to, up to the response that is not one. */
  async #exchange(first: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    const { timeoutMs } = this.#options;
    const limit = this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let current = first;
    for (let redirects = 0; ; redirects++) {
      const res = await request(current.url, {
        method: current.method,
        headers: current.headers,
        body: current.body ?? null,
        dispatcher: this.#dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const headers = headerRecord(res.headers);
      if (res.statusCode >= 300 && res.statusCode < 400) {
        // A redirect's own body is of no use; read a little of it so the connection can be reused.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
        if (!isFollowedRedirect(res.statusCode, headers.location)) {
          throw unfollowedRedirectError(current, res.statusCode);
        }
        if (redirects >= MAX_REDIRECTS) throw tooManyRedirectsError(first, headers.location);
        current = redirectRequest(current, res.statusCode, headers.location);
        continue;
      }
      const shown = { method: current.method, url: redactUrl(current.url) };
      const body = await readBody(res.body, headers['content-length'], limit, shown);
      return { status: res.statusCode, headers, body, url: current.url };
    }
  }
}
