/**
 * Which responses of the demo API fail, and how. Decisions come from a seeded generator, so a test that
 * sends the same requests in the same order sees the same failures on every run.
 */
import { mulberry32, pick } from './seeded-random.js';

/** An HTTP status to answer with, or `drop`: close the connection without any response. */
export const FAULT_KINDS = ['429', '500', '502', '503', '504', 'drop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Share of authorised requests to /v1/tasks and /v1/tasks/{id} that fail, 0..1. */
  rate: number;
  /** Default 1. The sequence restarts whenever faults are configured. */
  seed?: number;
  /** Picked uniformly. Default: all of FAULT_KINDS. */
  kinds?: readonly FaultKind[];
  /**
   * `Retry-After` sent with a 429 (RFC 9110 §10.2.3): delay-seconds (default 1), `'http-date'` for an
   * IMF-fixdate 1–2 s ahead (whole seconds only, so it cannot be exactly 1 s), or `'none'` to omit it.
   */
  retryAfter?: number | 'http-date' | 'none';
}

/** A planned failure: the status, headers and JSON body to send, or a dropped connection. */
export type Fault =
  | { kind: 'drop' }
  | { kind: Exclude<FaultKind, 'drop'>; status: number; headers: Record<string, string>; body: object };

const ERRORS: Record<Exclude<FaultKind, 'drop'>, { error: string; message: string }> = {
  '429': { error: 'rate_limited', message: 'too many requests, slow down' },
  '500': { error: 'internal_error', message: 'something went wrong on our side' },
  '502': { error: 'bad_gateway', message: 'the upstream service answered badly' },
  '503': { error: 'service_unavailable', message: 'the service is temporarily unavailable' },
  '504': { error: 'gateway_timeout', message: 'the upstream service did not answer in time' },
};

/** Returns the fault for the next request, or null when it should succeed. */
export type FaultPicker = () => Fault | null;

/**
 * @example
 * const nextFault = createFaultPicker({ rate: 0.2, seed: 7, kinds: ['503', 'drop'] });
 * nextFault(); // null, or { kind: '503', status: 503, … } — the same sequence on every run
 */
export function createFaultPicker(options: FaultOptions | null, now: () => number = Date.now): FaultPicker {
  if (options === null || options.rate === 0) return () => null;
  const { rate, seed = 1, kinds = FAULT_KINDS, retryAfter = 1 } = options;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`faults.rate must be within 0..1: ${rate}`);
  if (kinds.length === 0) throw new RangeError('faults.kinds must not be empty');
  for (const kind of kinds) {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind: ${String(kind)}`);
  }
  const next = mulberry32(seed);
  return () => {
    // Two draws per request whatever the outcome: which requests fail depends on seed and rate only.
    const fails = next() < rate;
    const kind = pick(next, kinds);
    if (!fails) return null;
    if (kind === 'drop') return { kind };
    const headers: Record<string, string> = {};
    if (kind === '429') {
      const value = retryAfterValue(retryAfter, now());
      if (value !== undefined) headers['retry-after'] = value;
    }
    return { kind, status: Number(kind), headers, body: ERRORS[kind] };
  };
}

function retryAfterValue(option: number | 'http-date' | 'none', nowMs: number): string | undefined {
  if (option === 'none') return undefined;
  // An HTTP date has whole seconds: the next second boundary plus one is between 1 and 2 s away.
  if (option === 'http-date') return new Date((Math.floor(nowMs / 1000) + 2) * 1000).toUTCString();
  return String(option);
}
