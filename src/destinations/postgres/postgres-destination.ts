import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { Client } from 'pg';
import { TributaryError } from '../../errors/tributary-error.js';
import { checkPackageRows, type LoadPackage, tableFilePaths } from '../../load/load-package.js';
import type { PipelineState } from '../../load/pipeline-state.js';
import { POSTGRES_MAX_IDENTIFIER_LENGTH } from '../../normalize/naming.js';
import type { StoredSchema } from '../../schema/schema-types.js';
import type { DatasetFacts, Destination, DestinationCapabilities, LoadResult } from '../destination.js';
import { completeColumns } from '../sql/ddl.js';
import { SEQUENCE_COLUMN } from '../sql/disposition-sql.js';
import { planLoadStatements, type SqlDialect, syncTableStatements } from '../sql/load-plan.js';
import { qualified, quoteIdentifier, stagingDataset } from '../sql/sql-identifiers.js';
import { copyJsonLines, copySql } from './postgres-copy.js';
import { type PostgresCredentials, resolvePostgresConnection } from './postgres-credentials.js';
import { describePostgresError, isConnectionLost, isTransientPostgresError } from './postgres-errors.js';
import { postgresType } from './postgres-types.js';

const CAPABILITIES: DestinationCapabilities = {
  maxIdentifierLength: POSTGRES_MAX_IDENTIFIER_LENGTH,
  supportsMerge: true,
  transactional: true,
};

/** First server version with `MERGE` (PostgreSQL 15). */
const MERGE_SERVER_VERSION = 150000;

function dialect(mergeInto: boolean): SqlDialect {
  return {
    mapType: postgresType,
    // dlt's `create_indexes` default for Postgres: `UNIQUE` on unique columns (`_dlt_id`).
    withUnique: true,
    createTemp: (name, select) => `CREATE TEMP TABLE ${quoteIdentifier(name)} ON COMMIT DROP AS ${select}`,
    widenToDouble: (dataset, table, column) =>
      `ALTER TABLE ${qualified(dataset, table)} ALTER COLUMN ${quoteIdentifier(column)} TYPE double precision`,
    maxIdentifierLength: POSTGRES_MAX_IDENTIFIER_LENGTH,
    mergeInto,
  };
}

export interface PostgresDestinationOptions {
  /** A `postgresql://user:password@host:port/database` URL or its parts. */
  credentials: string | PostgresCredentials;
  /** Use `MERGE` for upsert; default: when the server is PostgreSQL 15 or newer. */
  mergeInto?: boolean;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Called before each statement of a load, inside its transaction: tests throw from it to fail a
   * load at a chosen point (not a public API).
   */
  onStatement?: (sql: string) => void;
}

/**
 * Postgres: the dataset is a schema, `<dataset>_staging` holds the staging tables. A package loads
 * in one transaction: DDL, staging tables filled with `COPY … FROM STDIN`, the disposition's SQL,
 * the schema version, the state row and the `_dlt_loads` row; any error rolls all of it back.
 *
 * @example
 * const destination = new PostgresDestination({ credentials: 'postgresql://loader:pw@localhost:5432/analytics' });
 * await runPipeline(source, { pipelineName: 'tasks', destination });
 */
export class PostgresDestination implements Destination {
  readonly type = 'postgres';
  readonly capabilities = CAPABILITIES;
  readonly location: string;
  readonly #connection: ReturnType<typeof resolvePostgresConnection>;
  readonly #options: PostgresDestinationOptions;
  #client: Client | undefined;
  #lost = false;
  #dialect = dialect(true);

  constructor(options: PostgresDestinationOptions) {
    this.#connection = resolvePostgresConnection(options.credentials);
    this.location = this.#connection.location;
    this.#options = options;
  }

  async open(): Promise<void> {
    const client = new Client({
      ...this.#connection.config,
      application_name: 'tributary',
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
    });
    // A connection that breaks while idle is reported here; without a listener it would crash the process.
    const markLost = () => {
      if (this.#client === client) this.#lost = true;
    };
    client.on('error', markLost);
    client.on('end', markLost);
    try {
      await client.connect();
      await client.query("SET TIME ZONE 'UTC'");
      const version = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
      const mergeInto = this.#options.mergeInto ?? Number(version.rows[0]?.v) >= MERGE_SERVER_VERSION;
      this.#dialect = dialect(mergeInto);
    } catch (cause) {
      await client.end().catch(() => {});
      throw new TributaryError(
        'DESTINATION',
        `cannot connect to Postgres at ${this.#connection.address}: ${describePostgresError(cause)}`,
        { retryable: isTransientPostgresError(cause), cause },
      );
    }
    this.#client = client;
    this.#lost = false;
  }

  /** The open connection; one that broke is opened again (a retried load gets a fresh one). */
  async #db(): Promise<Client> {
    if (this.#client !== undefined && !this.#lost) return this.#client;
    await this.close();
    await this.open();
    if (this.#client === undefined) throw new Error('Postgres destination is not open');
    return this.#client;
  }

  async #rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const db = await this.#db();
    try {
      return (await db.query(sql, params)).rows as T[];
    } catch (cause) {
      if (isConnectionLost(cause)) this.#lost = true;
      throw new TributaryError('DESTINATION', `Postgres query failed: ${describePostgresError(cause)}`, {
        context: { sql: sql.slice(0, 500) },
        retryable: isTransientPostgresError(cause),
        cause,
      });
    }
  }

  async #tableExists(dataset: string, table: string): Promise<boolean> {
    const rows = await this.#rows(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [dataset, table],
    );
    return rows.length > 0;
  }

  async storedSchema(dataset: string, schemaName: string): Promise<StoredSchema | undefined> {
    if (!(await this.#tableExists(dataset, '_dlt_version'))) return undefined;
    const [row] = await this.#rows<{ schema: string }>(
      `SELECT "schema" FROM ${qualified(dataset, '_dlt_version')} WHERE schema_name = $1 ORDER BY inserted_at DESC, version DESC LIMIT 1`,
      [schemaName],
    );
    return row === undefined ? undefined : (JSON.parse(row.schema) as StoredSchema);
  }

  async storedState(dataset: string, pipelineName: string): Promise<PipelineState | undefined> {
    if (!(await this.#tableExists(dataset, '_dlt_pipeline_state'))) return undefined;
    const [row] = await this.#rows<{ state: string }>(
      `SELECT s.state FROM ${qualified(dataset, '_dlt_pipeline_state')} AS s JOIN ${qualified(dataset, '_dlt_loads')} AS l ON l.load_id = s._dlt_load_id WHERE l.status = 0 AND s.pipeline_name = $1 ORDER BY s._dlt_load_id DESC LIMIT 1`,
      [pipelineName],
    );
    if (row === undefined) return undefined;
    return JSON.parse(inflateSync(Buffer.from(row.state, 'base64')).toString('utf8')) as PipelineState;
  }

  async isLoaded(dataset: string, loadId: string): Promise<boolean> {
    if (!(await this.#tableExists(dataset, '_dlt_loads'))) return false;
    const rows = await this.#rows(`SELECT 1 FROM ${qualified(dataset, '_dlt_loads')} WHERE load_id = $1`, [
      loadId,
    ]);
    return rows.length > 0;
  }

  async load(pkg: LoadPackage, dataset: string): Promise<LoadResult> {
    const db = await this.#db();
    const staging = stagingDataset(dataset, POSTGRES_MAX_IDENTIFIER_LENGTH);
    let current = '';
    const run = async (sql: string, params?: unknown[]) => {
      current = sql;
      this.#onStatement(sql);
      await db.query(sql, params as unknown[]);
    };
    try {
      await db.query('BEGIN');
      // One load per dataset at a time, across processes: the staging tables are shared.
      await run('SELECT pg_advisory_xact_lock(hashtext($1))', [`tributary:${dataset}`]);
      await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(dataset)}`);
      await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(staging)}`);
      const existing = await this.#existingColumns(db, dataset);
      for (const sql of syncTableStatements(pkg.schema, dataset, existing, this.#dialect)) await run(sql);
      for (const entry of pkg.manifest.tables) {
        const table = pkg.schema.tables[entry.name];
        if (table === undefined) continue;
        const columns = completeColumns(table);
        const target = qualified(staging, entry.name);
        await run(`DROP TABLE IF EXISTS ${target}`);
        // Unlogged: staging is rebuilt by every load, so its writes need not go through the WAL.
        const definitions = columns.map((c) => `${quoteIdentifier(c.name)} ${postgresType(c)}`);
        await run(
          `CREATE UNLOGGED TABLE ${target} (${[...definitions, `${quoteIdentifier(SEQUENCE_COLUMN)} bigint`].join(', ')})`,
        );
        current = copySql(target, columns, SEQUENCE_COLUMN);
        this.#onStatement(current);
        checkPackageRows(entry, await copyJsonLines(db, current, columns, tableFilePaths(pkg.dir, entry)));
      }
      const tempId = randomBytes(8).toString('hex');
      for (const { sql, params } of planLoadStatements(pkg, dataset, existing, this.#dialect, tempId)
        .statements) {
        await run(sql, params);
      }
      current = 'COMMIT';
      await db.query('COMMIT');
    } catch (cause) {
      if (isConnectionLost(cause)) this.#lost = true;
      else await db.query('ROLLBACK').catch(() => {});
      const reason = cause instanceof TributaryError ? cause.message : describePostgresError(cause);
      throw new TributaryError(
        'DESTINATION',
        `loading package ${pkg.manifest.loadId} into Postgres at ${this.#connection.address} failed: ${reason}`,
        {
          context: { sql: current.slice(0, 500) },
          retryable: cause instanceof TributaryError ? cause.retryable : isTransientPostgresError(cause),
          cause,
        },
      );
    }
    return { rows: Object.fromEntries(pkg.manifest.tables.map((t) => [t.name, t.rows])) };
  }

  #onStatement(sql: string): void {
    this.#options.onStatement?.(sql);
  }

  async #existingColumns(db: Client, dataset: string): Promise<Map<string, Map<string, string>>> {
    const result = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1',
      [dataset],
    );
    const tables = new Map<string, Map<string, string>>();
    for (const { table_name: table, column_name: column, data_type: type } of result.rows) {
      if (!tables.has(table)) tables.set(table, new Map());
      tables.get(table)?.set(column, type);
    }
    return tables;
  }

  async inspect(dataset: string, limit: number): Promise<DatasetFacts> {
    const facts: DatasetFacts = { loads: [], tables: [] };
    if (await this.#tableExists(dataset, '_dlt_loads')) {
      const loads = await this.#rows<{
        load_id: string;
        schema_name: string | null;
        status: string;
        inserted_at: string;
      }>(
        `SELECT load_id, schema_name, status, CAST(inserted_at AS VARCHAR) AS inserted_at FROM ${qualified(dataset, '_dlt_loads')} ORDER BY load_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      );
      facts.loads = loads.map((l) => ({
        loadId: l.load_id,
        schemaName: l.schema_name,
        status: Number(l.status),
        insertedAt: l.inserted_at,
      }));
    }
    const tables = await this.#rows<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"`,
      [dataset],
    );
    for (const { table_name: name } of tables) {
      const [count] = await this.#rows<{ n: string }>(
        `SELECT count(*) AS n FROM ${qualified(dataset, name)}`,
      );
      facts.tables.push({ name, rows: Number(count?.n ?? 0) });
    }
    return facts;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
