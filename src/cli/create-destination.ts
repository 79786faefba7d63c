import { resolve } from 'node:path';
import { defaultSecretSources } from '../config/secrets.js';
import type { Destination } from '../destinations/destination.js';
import { DuckDbDestination } from '../destinations/duckdb/duckdb-destination.js';
import { FilesystemDestination } from '../destinations/filesystem/filesystem-destination.js';
import { postgresCredentialsFrom } from '../destinations/postgres/postgres-credentials.js';
import { PostgresDestination } from '../destinations/postgres/postgres-destination.js';
import { ConfigError } from '../errors/tributary-error.js';

export const DESTINATION_NAMES = ['duckdb', 'postgres', 'filesystem'] as const;

/**
 * The destination for `--destination`. DuckDB's file is `DESTINATION__DUCKDB__CREDENTIALS` (dlt's
 * variable) or `<pipeline_name>.duckdb` in the current folder.
 */
export function createDestination(name: string, pipelineName: string, env: NodeJS.ProcessEnv): Destination {
  switch (name) {
    case 'duckdb':
      return new DuckDbDestination(
        resolve(env.DESTINATION__DUCKDB__CREDENTIALS ?? `${pipelineName}.duckdb`),
        // A limit the user sets is kept: the load does not raise it when DuckDB runs out of memory.
        env.DESTINATION__DUCKDB__MEMORY_LIMIT ? { memoryLimit: env.DESTINATION__DUCKDB__MEMORY_LIMIT } : {},
      );
    case 'postgres':
      // DESTINATION__POSTGRES__CREDENTIALS (a postgresql:// URL, dlt's variable), its parts, or secrets.toml.
      return new PostgresDestination({ credentials: postgresCredentialsFrom(defaultSecretSources(env)) });
    case 'filesystem':
      // DESTINATION__FILESYSTEM__BUCKET_URL (a folder or s3://…), …__LOADER_FILE_FORMAT, …__CREDENTIALS__*.
      return FilesystemDestination.fromEnv(env);
    default:
      throw new ConfigError(`unknown destination "${name}"; choose one of ${DESTINATION_NAMES.join(', ')}`);
  }
}
