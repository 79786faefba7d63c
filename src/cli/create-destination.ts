import { resolve } from 'node:path';
import type { Destination } from '../destinations/destination.js';
import { DuckDbDestination } from '../destinations/duckdb/duckdb-destination.js';
import { ConfigError } from '../errors/tributary-error.js';

export const DESTINATION_NAMES = ['duckdb', 'postgres', 'filesystem'] as const;

/**
 * The destination for `--destination`. DuckDB's file is `DESTINATION__DUCKDB__CREDENTIALS` (dlt's
 * variable) or `<pipeline_name>.duckdb` in the current folder.
 */
export function createDestination(name: string, pipelineName: string, env: NodeJS.ProcessEnv): Destination {
  switch (name) {
    case 'duckdb':
      return new DuckDbDestination(resolve(env.DESTINATION__DUCKDB__CREDENTIALS ?? `${pipelineName}.duckdb`));
    case 'postgres':
    case 'filesystem':
      throw new ConfigError(`destination "${name}" is not available in this version yet; use duckdb`);
    default:
      throw new ConfigError(`unknown destination "${name}"; choose one of ${DESTINATION_NAMES.join(', ')}`);
  }
}
