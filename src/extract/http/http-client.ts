import { Agent, type Dispatcher, request } from 'undici';
import { redactSecretFields, redactUrl, secretRegistry } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { RateBudget } from './rate-budget.js';
import { parseRetryAfter, type RetryPolicy, retryWaitSeconds } from './retry-policy.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  url: string;
}

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
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * A short, redacted excerpt of a body for error messages: registered secrets and the values of
 * secret-named JSON fields are masked before the text is cut (so a cut cannot expose half a secret).
 */
export function bodyExcerpt(body: Buffer, max = 200): string {
  const text = redactSecretFields(
    secretRegistry.redact(
      body
        .subarray(0, max * 4)
        .toString('utf8')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
  if (text.length <= max) return text;
  // A secret field whose value the cut opens but does not close is masked to the end.
  return `${redactSecretFields(text.slice(0, max))}…`;
}

type Attempt = { kind: 'response'; response: HttpResponse } | { kind: 'error'; error: TributaryError };

/**
 * Sends requests with dlt's retry rules: 429, 5xx (as configured), dropped connections and
 * timeouts are retried with exponential backoff or the server's `Retry-After`; anything else
 * fails at once. Every URL in events and errors is redacted.
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
   * marked `ignored` whatever its status.
   */
  async send(
    req: HttpRequest,
    resource: string,
    inspect?: (response: HttpResponse) => 'ignore' | undefined,
    requestSignal?: AbortSignal,
  ): Promise<HttpResponse & { ignored?: true }> {
    const { policy, runtime } = this.#options;
    const signal =
      requestSignal && this.#options.signal
        ? AbortSignal.any([requestSignal, this.#options.signal])
        : (requestSignal ?? this.#options.signal);
    const shownUrl = redactUrl(req.url);
    const budget = this.budget(req.url);
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const release = await budget.acquire(signal);
      runtime.emit({ type: 'request', resource, method: req.method, url: shownUrl, attempt });
      const outcome = await this.#attempt(req, shownUrl, signal);
      const status = outcome.kind === 'response' ? outcome.response.status : undefined;
      const headers = outcome.kind === 'response' ? outcome.response.headers : {};
      const hinted =
        status === 429 || status === 503 ? parseRetryAfter(headers['retry-after'], runtime.now()) : undefined;
      release({
        status,
        headers,
        pauseSeconds: hinted === undefined ? undefined : Math.min(hinted, policy.maxDelay),
      });
      if (outcome.kind === 'response') {
        const { response } = outcome;
        if (inspect?.(response) === 'ignore') return { ...response, ignored: true };
        if (response.status < 400) return response;
        const failure = this.#statusError(req, shownUrl, response, attempt);
        if (!policy.statusCodes.has(response.status) || attempt >= policy.maxAttempts) throw failure;
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
            retryable: true,
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

  #statusError(req: HttpRequest, url: string, response: HttpResponse, attempts: number): TributaryError {
    const status = `${response.status}${STATUS_TEXT[response.status] ? ` ${STATUS_TEXT[response.status]}` : ''}`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const excerpt = bodyExcerpt(response.body);
    return new TributaryError(
      'HTTP_STATUS',
      `${req.method} ${url} failed: ${status}${tries}${excerpt ? `: ${excerpt}` : ''}`,
      {
        retryable: this.#options.policy.statusCodes.has(response.status),
        context: { url, status: response.status, attempts },
      },
    );
  }

  async #attempt(req: HttpRequest, url: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const { timeoutMs } = this.#options;
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        dispatcher: this.#dispatcher,
        signal: combined,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      return {
        kind: 'response',
        response: { status: res.statusCode, headers: headerRecord(res.headers), body, url: req.url },
      };
    } catch (cause) {
      if (signal?.aborted) throw signal.reason ?? cause;
      const timedOut = deadline.aborted;
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
}

function describeNetworkError(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: string }).code;
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${code ? `${code} ` : ''}${cause.message}${inner}`;
}
