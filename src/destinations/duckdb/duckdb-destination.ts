import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { TributaryError } from '../../errors/tributary-error.js';
import { checkPackageRows, type LoadPackage, tableFiles } from '../../load/load-package.js';
import type { PipelineState } from '../../load/pipeline-state.js';
import type { StoredSchema } from '../../schema/schema-types.js';
import type {
  DatasetFacts,
  Destination,
  DestinationCapabilities,
  EarlyLoad,
  LoadResult,
} from '../destination.js';
import { planLoadStatements, type SqlDialect, syncTableStatements } from '../sql/load-plan.js';
import { qualified, quoteIdentifier, stagingDataset } from '../sql/sql-identifiers.js';
import { DuckDbEarlyLoad } from './duckdb-early-load.js';
import { DuckDbStaging } from './duckdb-staging.js';
import { duckdbType } from './duckdb-types.js';
import { packageFileSelect } from './package-file-select.js';

const CAPABILITIES: DestinationCapabilities = {
  maxIdentifierLength: 65536,
  supportsMerge: true,
  transactional: true,
};

const DIALECT: SqlDialect = {
  mapType: duckdbType,
  withUnique: false,
  createTemp: (name, select) => `CREATE TEMP TABLE ${quoteIdentifier(name)} AS ${select}`,
  widenToDouble: (dataset, table, column) =>
    `ALTER TABLE ${qualified(dataset, table)} ALTER COLUMN ${quoteIdentifier(column)} TYPE DOUBLE`,
  // A staging table is filled from one package file by one CREATE TABLE … AS, and DuckDB keeps
  // insertion order (preserve_insertion_order, on by default), so its rowid is the row's position
  // in the file. A row_number() OVER () column would buffer the whole file: at 1,000,000 nested
  // tasks it made staging 1.5× slower.
  stagingSequence: 'rowid',
  // DuckDB runs `NOT IN` over a small table faster than the `NOT EXISTS` anti-join (1,000,000
  // nested tasks: 11.0–11.3 s against 12.2–12.5 s for the load). `_dlt_id` is never NULL.
  notAmongIds: (column, ids) => `${column} NOT IN (SELECT ${quoteIdentifier('_dlt_id')} FROM ${ids})`,
};

/** DuckDB's memory for a Tributary connection; beyond it, DuckDB spills to `<file>.tmp`. */
export const DUCKDB_MEMORY_LIMIT = '128MB';
/** How far a load that runs out of memory under the default limit may raise it. */
export const DUCKDB_MAX_MEMORY_LIMIT = '1GB';

/** `128MB`, `1GB`, `1.5 GiB` as bytes; undefined when DuckDB's syntax is not understood here. */
function memoryBytes(limit: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i.exec(limit);
  if (match === null) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit[0] as 'b' | 'k' | 'm' | 'g' | 't'];
  return Number(match[1]) * (unit.includes('i') ? 1024 : 1000) ** power;
}

const isOutOfMemory = (error: unknown) =>
  error instanceof Error && /Out of Memory Error/i.test(error.message);

/**
 * DuckDB, embedded: one database file (default `<pipeline_name>.duckdb` in the current folder),
 * the dataset as a SQL schema. Package files are read with `read_json` into staging tables (or, for
 * tables the load reads once, views over the files), then moved by the disposition's SQL, all in
 * one transaction with the state and `_dlt_loads` rows; the staging tables and views are dropped
 * before the commit.
 */
export class DuckDbDestination implements Destination {
  readonly type = 'duckdb';
  readonly capabilities = CAPABILITIES;
  readonly location: string;
  #instance: DuckDBInstance | undefined;
  #connection: DuckDBConnection | undefined;

  readonly #onStatement: ((sql: string) => void) | undefined;
  #memoryLimit: string;
  readonly #maxMemoryLimit: string;
  #early: DuckDbEarlyLoad | undefined;
  readonly #stageEarly: (() => boolean) | undefined;

  /**
   * @param path the database file
   * @param options.memoryLimit DuckDB's `memory_limit` for this connection (default 128MB; the CLI
   *   reads `DESTINATION__DUCKDB__MEMORY_LIMIT`): DuckDB's own default is 80 % of RAM, and it keeps what a load writes
   *   cached up to it, so a large load would grow the process with the number of rows.
   * @param options.maxMemoryLimit a load that fails with DuckDB's out-of-memory error is rolled back
   *   and run again with the limit doubled, up to this (default: 1GB when `memoryLimit` is not
   *   given, else `memoryLimit` itself: a limit set by the user is kept).
   * @param options.onStatement called before each statement of a load, inside its transaction: tests
   *   throw from it to fail a load at a chosen point (not a public API).
   * @param options.stageEarly asked as each package file of a merge root closes during extraction:
   *   whether to read the files waiting so far into staging now (default: when the process left a
   *   whole core idle since the last file; `() => false` leaves all reading to the load).
   */
  constructor(
    path: string,
    options: {
      memoryLimit?: string;
      maxMemoryLimit?: string;
      onStatement?: (sql: string) => void;
      stageEarly?: () => boolean;
    } = {},
  ) {
    this.location = resolve(path);
    this.#memoryLimit = options.memoryLimit ?? DUCKDB_MEMORY_LIMIT;
    this.#maxMemoryLimit =
      options.maxMemoryLimit ??
      (options.memoryLimit === undefined ? DUCKDB_MAX_MEMORY_LIMIT : options.memoryLimit);
    this.#onStatement = options.onStatement;
    this.#stageEarly = options.stageEarly;
  }

  async open(): Promise<void> {
    try {
      this.#instance = await DuckDBInstance.create(this.location, {
        memory_limit: this.#memoryLimit,
        // Hand freed memory back to the system soon, instead of keeping up to 128 MB cached.
        allocator_flush_threshold: '32MB',
        // And after a bulk free of 32 MB or more (the JSON reader's 32 MiB buffers), not 512 MB:
        // the load's peak fell by about 90 MB, at no measurable cost in time (docs/performance.md).
        allocator_bulk_deallocation_flush_threshold: '32MB',
      });
    } catch (cause) {
      const reason = (cause instanceof Error ? cause.message.split('\n')[0] : String(cause)) ?? '';
      // DuckDB: 'Could not set lock on file "…": Conflicting lock is held in /usr/bin/node (PID 42). See also …'
      const holder = /Conflicting lock is held in (.+?)(?:\. See also|$)/.exec(reason)?.[1];
      const locked = /could not set lock/i.test(reason);
      throw new TributaryError(
        'DESTINATION',
        locked
          ? `cannot open DuckDB file ${this.location}: it is locked by another process${holder ? ` (${holder})` : ''}; DuckDB lets one process at a time write a file — close that process (or wait for it to finish) and run again`
          : `cannot open DuckDB file ${this.location}: ${reason}`,
        { retryable: locked, cause },
      );
    }
    this.#connection = await this.#instance.connect();
    await this.#connection.run("SET TimeZone = 'UTC'");
  }

  get #db(): DuckDBConnection {
    if (this.#connection === undefined) throw new Error('DuckDB destination is not open');
    return this.#connection;
  }

  async #tableExists(dataset: string, table: string): Promise<boolean> {
    const reader = await this.#db.runAndReadAll(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [dataset, table],
    );
    return reader.getRows().length > 0;
  }

  async #isEmptySchema(schema: string): Promise<boolean> {
    const reader = await this.#db.runAndReadAll(
      'SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $1',
      [schema],
    );
    return Number(reader.getRows()[0]?.[0]) === 0;
  }

  async #existingColumns(dataset: string): Promise<Map<string, Map<string, string>>> {
    const reader = await this.#db.runAndReadAll(
      'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1',
      [dataset],
    );
    const tables = new Map<string, Map<string, string>>();
    for (const [table, column, type] of reader.getRows() as Array<[string, string, string]>) {
      if (!tables.has(table)) tables.set(table, new Map());
      tables.get(table)?.set(column, type);
    }
    return tables;
  }

  async storedSchema(dataset: string, schemaName: string): Promise<StoredSchema | undefined> {
    if (!(await this.#tableExists(dataset, '_dlt_version'))) return undefined;
    const reader = await this.#db.runAndReadAll(
      `SELECT "schema" FROM ${qualified(dataset, '_dlt_version')} WHERE schema_name = $1 ORDER BY inserted_at DESC, version DESC LIMIT 1`,
      [schemaName],
    );
    const text = reader.getRows()[0]?.[0];
    return typeof text === 'string' ? (JSON.parse(text) as StoredSchema) : undefined;
  }

  async storedState(dataset: string, pipelineName: string): Promise<PipelineState | undefined> {
    if (!(await this.#tableExists(dataset, '_dlt_pipeline_state'))) return undefined;
    const reader = await this.#db.runAndReadAll(
      `SELECT s.state FROM ${qualified(dataset, '_dlt_pipeline_state')} AS s JOIN ${qualified(dataset, '_dlt_loads')} AS l ON l.load_id = s._dlt_load_id WHERE l.status = 0 AND s.pipeline_name = $1 ORDER BY s._dlt_load_id DESC LIMIT 1`,
      [pipelineName],
    );
    const encoded = reader.getRows()[0]?.[0];
    if (typeof encoded !== 'string') return undefined;
    return JSON.parse(inflateSync(Buffer.from(encoded, 'base64')).toString('utf8')) as PipelineState;
  }

  async isLoaded(dataset: string, loadId: string): Promise<boolean> {
    if (!(await this.#tableExists(dataset, '_dlt_loads'))) return false;
    const reader = await this.#db.runAndReadAll(
      `SELECT 1 FROM ${qualified(dataset, '_dlt_loads')} WHERE load_id = $1`,
      [loadId],
    );
    return reader.getRows().length > 0;
  }

  /** Runs a statement of a load, after telling `onStatement`. */
  async #run(sql: string, params?: unknown[]): Promise<void> {
    this.#onStatement?.(sql);
    await this.#db.run(sql, params as never);
  }

  /**
   * Begins the load of a package while it is still written: the closed files of merge root tables
   * are read into staging meanwhile, in the transaction that `load` continues (see DuckDbEarlyLoad).
   */
  beginLoad(loadId: string, dataset: string): EarlyLoad {
    void this.#early?.end();
    const early = new DuckDbEarlyLoad(
      loadId,
      dataset,
      (sql) => this.#run(sql),
      (sql) => this.#db.run(sql).then(() => {}),
      this.#stageEarly,
    );
    this.#early = early;
    return early;
  }

  /** The rows of a staging table. */
  async #stagedRows(target: string): Promise<number> {
    const reader = await this.#db.runAndReadAll(`SELECT count(*) FROM ${target}`);
    return Number(reader.getRows()[0]?.[0]);
  }

  /** The early load of this package, to go on with; undefined when there is none (any other is rolled back). */
  async #takeEarly(loadId: string, dataset: string): Promise<DuckDbStaging | undefined> {
    const early = this.#early;
    this.#early = undefined;
    return early?.take(loadId, dataset);
  }

  /**
   * Loads a package in one transaction. Out of memory under a raisable limit, the rolled-back load
   * runs again with DuckDB's limit doubled (for this connection): the default limit keeps the
   * process small for the loads that fit, and a load that needs more still lands.
   */
  async load(pkg: LoadPackage, dataset: string): Promise<LoadResult> {
    for (;;) {
      try {
        return await this.#loadOnce(pkg, dataset);
      } catch (error) {
        const outOfMemory = isOutOfMemory(error instanceof TributaryError ? error.cause : error);
        const raised = outOfMemory ? this.#raisedMemoryLimit() : undefined;
        if (raised === undefined) {
          if (!outOfMemory || !(error instanceof TributaryError)) throw error;
          throw new TributaryError(
            'DESTINATION',
            `${error.message} (memory_limit ${this.#memoryLimit}: raise it with DESTINATION__DUCKDB__MEMORY_LIMIT or the destination's memoryLimit option)`,
            { context: error.context, retryable: false, cause: error.cause },
          );
        }
        await this.#db.run(`SET memory_limit = '${raised}B'`);
        this.#memoryLimit = `${raised}B`;
      }
    }
  }

  /** Twice the current limit, at most the maximum; undefined when there is no room to grow. */
  #raisedMemoryLimit(): number | undefined {
    const current = memoryBytes(this.#memoryLimit);
    const max = memoryBytes(this.#maxMemoryLimit);
    if (current === undefined || max === undefined || current >= max) return undefined;
    return Math.floor(Math.min(current * 2, max));
  }

  async #loadOnce(pkg: LoadPackage, dataset: string): Promise<LoadResult> {
    const db = this.#db;
    const staging = stagingDataset(dataset);
    let current = '';
    const run = async (sql: string, params?: unknown[]) => {
      current = sql;
      await this.#run(sql, params);
    };
    try {
      // A load begun during extraction goes on in its transaction, with the files it staged.
      const early = await this.#takeEarly(pkg.manifest.loadId, dataset);
      const staged = early ?? new DuckDbStaging(pkg.manifest.loadId, dataset);
      if (early === undefined) await db.run('BEGIN TRANSACTION');
      await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(dataset)}`);
      await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(staging)}`);
      const existing = await this.#existingColumns(dataset);
      for (const sql of syncTableStatements(pkg.schema, dataset, existing, DIALECT)) await run(sql);
      const plan = planLoadStatements(pkg, dataset, existing, DIALECT, randomBytes(8).toString('hex'));
      // Staged copies and views are dropped before the commit, so that its checkpoint does not
      // write them and the file keeps no copy of the load (100,000 nested tasks: the load took
      // 1.1 s instead of 1.2 s). Copies that earlier versions kept are replaced, then dropped.
      const dropBeforeCommit: string[] = [];
      for (const entry of pkg.manifest.tables) {
        const table = pkg.schema.tables[entry.name];
        if (table === undefined) continue;
        const target = qualified(staging, entry.name);
        const files = tableFiles(entry).map((file) => ({ file, path: join(pkg.dir, file) }));
        if (plan.readOnce.has(entry.name) && !staged.has(entry.name)) {
          // Read once by the load's SQL: a view over the package files instead of a staged copy
          // (1,000,000 nested tasks: the load took 8.5 s instead of 12.8 s).
          await run(`DROP TABLE IF EXISTS ${target}`);
          const paths = files.map((f) => f.path);
          await run(`CREATE VIEW ${target} AS ${packageFileSelect(table, paths, duckdbType)}`);
          dropBeforeCommit.push(`DROP VIEW ${target}`);
        } else {
          // Copied in the files' order (one read over the files not staged yet): a staged row's
          // rowid is its place in the load.
          await staged.stage(run, table, files, true);
          dropBeforeCommit.push(`DROP TABLE ${target}`);
          checkPackageRows(entry, await this.#stagedRows(target));
        }
      }
      for (const { sql, params } of plan.statements) await run(sql, params);
      for (const sql of dropBeforeCommit) await run(sql);
      if (await this.#isEmptySchema(staging)) await run(`DROP SCHEMA ${quoteIdentifier(staging)}`);
      await db.run('COMMIT');
    } catch (cause) {
      await db.run('ROLLBACK').catch(() => {});
      const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
      throw new TributaryError(
        'DESTINATION',
        `loading package ${pkg.manifest.loadId} into DuckDB failed: ${reason}`,
        {
          context: { sql: current.slice(0, 500) },
          retryable: cause instanceof TributaryError ? cause.retryable : /lock|conflict/i.test(reason ?? ''),
          cause,
        },
      );
    }
    return { rows: Object.fromEntries(pkg.manifest.tables.map((t) => [t.name, t.rows])) };
  }

  async inspect(dataset: string, limit: number): Promise<DatasetFacts> {
    const facts: DatasetFacts = { loads: [], tables: [] };
    if (await this.#tableExists(dataset, '_dlt_loads')) {
      const loads = await this.#db.runAndReadAll(
        `SELECT load_id, schema_name, status, CAST(inserted_at AS VARCHAR) FROM ${qualified(dataset, '_dlt_loads')} ORDER BY load_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      );
      facts.loads = (loads.getRows() as Array<[string, string | null, bigint, string]>).map(
        ([loadId, schemaName, status, insertedAt]) => ({
          loadId,
          schemaName,
          status: Number(status),
          insertedAt,
        }),
      );
    }
    const tables = await this.#db.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
      [dataset],
    );
    for (const [name] of tables.getRows() as Array<[string]>) {
      const count = await this.#db.runAndReadAll(`SELECT count(*) FROM ${qualified(dataset, name)}`);
      facts.tables.push({ name, rows: Number(count.getRows()[0]?.[0] ?? 0) });
    }
    return facts;
  }

  async close(): Promise<void> {
    await this.#early?.abandon();
    this.#early = undefined;
    this.#connection?.closeSync();
    this.#instance?.closeSync();
    this.#connection = undefined;
    this.#instance = undefined;
  }
}
