import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';

export interface FaultPlan {
  /** Fail at the first load statement whose SQL matches (a step or table name), e.g. /INSERT INTO .*"tasks"/. */
  at: RegExp;
  /** Transient faults are retried by the loader; terminal ones fail the run. */
  kind: 'transient' | 'terminal';
  /** How many times to fail before letting statements through (default: always). */
  times?: number;
}

/**
 * A real DuckDB destination that throws inside the load transaction at a chosen statement: the
 * fault-injecting destination of the load tests (not part of the public API).
 */
export function faultyDuckDb(file: string, plan: FaultPlan): DuckDbDestination & { faults: number } {
  const state = { faults: 0 };
  const destination = new DuckDbDestination(file, {
    onStatement(sql) {
      if (!plan.at.test(sql) || (plan.times !== undefined && state.faults >= plan.times)) return;
      state.faults++;
      throw new TributaryError('DESTINATION', `injected ${plan.kind} fault at: ${sql.slice(0, 80)}`, {
        retryable: plan.kind === 'transient',
      });
    },
  });
  return Object.defineProperty(destination, 'faults', { get: () => state.faults }) as DuckDbDestination & {
    faults: number;
  };
}
