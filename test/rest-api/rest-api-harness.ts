import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type RestApiSource, restApiSource } from '../../src/config/rest-api-source.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { RunReport } from '../../src/pipeline/run-report.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { type RecordingServer, type Routes, startRecordingServer } from '../support/recording-server.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Every case runs as pipeline `rest`, so its tables live in dataset `rest_dataset`. */
export const DATASET = 'rest_dataset';

export interface RunOptions {
  /** Environment seen by secret lookup; empty unless given, so the host's variables never leak in. */
  env?: Record<string, string>;
  runtime?: Partial<Runtime>;
}

type Row = Record<string, unknown>;

/** BIGINTs come back as bigint; small ones are turned into numbers to keep assertions short. */
function plain(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v,
    ]),
  );
}

/**
 * A temp dir, a DuckDB file in it and recording servers per test, closed afterwards. `run` builds the
 * source with `restApiSource` (secrets from the given env only) and runs it with `runPipeline`.
 */
export function useRestApiHarness() {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let servers: RecordingServer[] = [];
  beforeEach(async () => {
    temp = await makeTempDir('tributary-rest-api-');
  });
  afterEach(async () => {
    for (const server of servers) await server.close();
    servers = [];
    await temp.cleanup();
  });
  const paths = () => ({
    dir: temp.dir,
    file: join(temp.dir, 'rest.duckdb'),
    workingDir: join(temp.dir, 'work'),
  });
  const source = (config: unknown, env: Record<string, string> = {}): RestApiSource =>
    restApiSource(config, { secrets: { env, projectDir: temp.dir } });
  const run = (config: unknown, options: RunOptions = {}): Promise<RunReport> =>
    runPipeline(source(config, options.env), {
      pipelineName: 'rest',
      destination: new DuckDbDestination(paths().file),
      workingDir: paths().workingDir,
      // These cases assert dlt's exact request sequence: one request at a time, as dlt pages.
      concurrency: 1,
      ...(options.runtime ? { runtime: options.runtime } : {}),
    });
  const query = async (sql: string): Promise<Row[]> =>
    (await withDuckDb(paths().file, (q) => q(sql))).map(plain);
  const tables = async (): Promise<string[]> => {
    try {
      const rows = await query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DATASET}' ORDER BY table_name`,
      );
      return rows.map((r) => String(r.table_name));
    } catch {
      return [];
    }
  };
  return {
    paths,
    async serve(routes: Routes): Promise<RecordingServer> {
      const server = await startRecordingServer(routes);
      servers.push(server);
      return server;
    },
    source,
    run,
    /** Runs a config that must fail (building or running) and returns the error. */
    async failure(config: unknown, options: RunOptions = {}): Promise<TributaryError> {
      try {
        await run(config, options);
      } catch (error) {
        if (error instanceof TributaryError) return error;
        throw new Error(`expected a TributaryError, got ${String(error)}`, { cause: error });
      }
      throw new Error('expected the run to fail, it succeeded');
    },
    query,
    /** Rows of a table of the dataset, ordered by the first column listed. */
    rows: (table: string, columns: string) =>
      query(`SELECT ${columns} FROM ${DATASET}.${table} ORDER BY ${columns.split(',')[0]}`),
    /** Tables of the dataset, sorted; empty when the database or dataset does not exist. */
    tables,
    /** Rows in `_dlt_loads`; 0 when the table does not exist. */
    async loadCount(): Promise<number> {
      if (!(await tables()).includes('_dlt_loads')) return 0;
      const [row] = await query(`SELECT count(*) AS n FROM ${DATASET}._dlt_loads`);
      return Number(row?.n ?? 0);
    },
  };
}

export type RestApiHarness = ReturnType<typeof useRestApiHarness>;

/** A page of a list served by `offset`/`limit` (or `page`/`size`) query params. */
export function slice<T>(items: readonly T[], start: number, size: number): T[] {
  return items.slice(start, start + size);
}

/** `n` records `{id, name}` with ids from `first`. */
export function records(n: number, first = 1): Array<{ id: number; name: string }> {
  return Array.from({ length: n }, (_, i) => ({ id: first + i, name: `item ${first + i}` }));
}
