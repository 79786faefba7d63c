/**
 * How failed requests are retried. dlt's defaults (`[runtime]` settings): 5 attempts in all,
 * backoff factor 1, waits capped at 300 s, retry on 429 and every 5xx.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (dlt's `request_max_attempts`). */
  maxAttempts: number;
  backoffFactor: number;
  /** Cap on any single wait, in seconds. */
  maxDelay: number;
  /** Statuses worth a retry; connection errors and timeouts are always retried. */
  statusCodes: ReadonlySet<number>;
  /** Cap on all waits of one request together, in seconds: no endless retry storm. */
  maxTotalWait: number;
}

const ALL_5XX = Array.from({ length: 100 }, (_, i) => 500 + i);

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  backoffFactor: 1,
  maxDelay: 300,
  statusCodes: new Set([429, ...ALL_5XX]),
  maxTotalWait: 900,
};

/** The config block `client.retry` (Tributary extension) on top of dlt's defaults. */
export function retryPolicyFrom(config: {
  max_retries?: number | undefined;
  backoff_factor?: number | undefined;
  max_delay?: number | undefined;
  status_codes?: number[] | undefined;
  max_total_wait?: number | undefined;
}): RetryPolicy {
  return {
    maxAttempts: config.max_retries === undefined ? DEFAULT_RETRY_POLICY.maxAttempts : config.max_retries + 1,
    backoffFactor: config.backoff_factor ?? DEFAULT_RETRY_POLICY.backoffFactor,
    maxDelay: config.max_delay ?? DEFAULT_RETRY_POLICY.maxDelay,
    statusCodes: config.status_codes ? new Set(config.status_codes) : DEFAULT_RETRY_POLICY.statusCodes,
    maxTotalWait: config.max_total_wait ?? DEFAULT_RETRY_POLICY.maxTotalWait,
  };
}

/** Wait before the retry that follows failed attempt `attempt` (1-based): factor × 2^(attempt-1), capped. */
export function backoffSeconds(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.backoffFactor * 2 ** (attempt - 1), policy.maxDelay);
}

/**
 * Seconds a `Retry-After` header asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), or
 * undefined when absent, unparsable or not positive — then the backoff applies (dlt#4036: a value
 * of 0 must not burn every attempt at once).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let seconds: number;
  if (/^-?\d+(\.\d+)?$/.test(text)) seconds = Number(text);
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    seconds = (date - nowMs) / 1000;
  }
  return seconds > 0 ? seconds : undefined;
}

/** The wait before the next attempt: `Retry-After` wins over the backoff; both capped by `maxDelay`. */
export function retryWaitSeconds(
  attempt: number,
  policy: RetryPolicy,
  retryAfter: string | undefined,
  nowMs: number,
): number {
  const hinted = parseRetryAfter(retryAfter, nowMs);
  return hinted === undefined ? backoffSeconds(attempt, policy) : Math.min(hinted, policy.maxDelay);
}
