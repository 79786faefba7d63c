import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { TributaryEvent } from '../pipeline/events.js';

/**
 * The effects the library uses, in one place, so tests can pass their own: the clock, sleeping,
 * randomness and the event sink. The library never prints; the CLI renders events.
 */
export interface Runtime {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  randomBytes(size: number): Buffer;
  emit(event: TributaryEvent): void;
}

export function createRuntime(overrides: Partial<Runtime> = {}): Runtime {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
    randomBytes: (size) => randomBytes(size),
    emit: () => {},
    ...overrides,
  };
}
