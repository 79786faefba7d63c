import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { Destination } from '../../src/destinations/destination.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { PostgresDestination } from '../../src/destinations/postgres/postgres-destination.js';
import { qualified, stagingDataset } from '../../src/destinations/sql/sql-identifiers.js';
import type { DataType } from '../../src/schema/schema-types.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DUCKDB_TYPES } from './duckdb-column-types.js';
import { filesystemTarget } from './filesystem-target.js';

export type Row = Record<string, unknown>;

export interface DestinationOptions {
  onStatement?: (sql: string) => void;
}

/** One test's own dataset in one destination, with a way to read it back. */
export interface TestDataset {
  readonly dataset: string;
  /** A folder for the pipeline's working dir and files. */
  readonly dir: string;
  destination(options?: DestinationOptions): Destination;
  /** Environment that points `tributary run --destination <target name>` at this dataset's database. */
  readonly cliEnv: Record<string, string>;
  /** `"dataset"."table"` */
  table(name: string): string;
  /** Rows with plain values: integers as numbers, timestamps as ISO text, bytes as hex. */
  query(sql: string): Promise<Row[]>;
  /** Column name → the type `information_schema.columns.data_type` reports, lower-cased. */
  columnTypes(table: string): Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

/** A destination the shared suite runs against. */
export interface DestinationTarget {
  readonly name: string;
  /** Why this target cannot run here; undefined when it can. */
  readonly skipReason: string | undefined;
  /** What `information_schema` calls the column type of each dlt type (lower-cased). */
  readonly types: Record<DataType, string>;
  create(): Promise<TestDataset>;
}

/** bigint → number, Date → ISO text, bytes → hex, recursively for arrays. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

const plainRows = (rows: Row[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));

export const uniqueDataset = () => `matrix_${randomBytes(5).toString('hex')}`;

const COLUMN_TYPES_SQL =
  'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position';

export const duckdbTarget: DestinationTarget = {
  name: 'duckdb',
  skipReason: undefined,
  types: DUCKDB_TYPES,
  async create() {
    const temp = await makeTempDir('tributary-matrix-');
    const file = join(temp.dir, 'matrix.duckdb');
    const dataset = uniqueDataset();
    const query = (sql: string) => withDuckDb(file, async (q) => plainRows(await q(sql)));
    return {
      dataset,
      dir: temp.dir,
      destination: (options = {}) => new DuckDbDestination(file, options),
      cliEnv: { DESTINATION__DUCKDB__CREDENTIALS: file },
      table: (name) => qualified(dataset, name),
      query,
      async columnTypes(table) {
        const sql = COLUMN_TYPES_SQL.replace('$1', `'${dataset}'`).replace(
          '$2',
          `'${table.replace(/'/g, "''")}'`,
        );
        const rows = await query(sql);
        return Object.fromEntries(rows.map((r) => [r.column_name, String(r.data_type).toLowerCase()]));
      },
      cleanup: temp.cleanup,
    };
  },
};

const POSTGRES_URL = process.env.TRIBUTARY_TEST_POSTGRES_URL;

/** int8 as bigint (not text) and dates as text (not a local-time Date), for plain values. */
const testTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return (text: string) => BigInt(text);
    if (oid === 1082) return (text: string) => text;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export const postgresTarget: DestinationTarget = {
  name: 'postgres',
  skipReason:
    POSTGRES_URL === undefined
      ? 'TRIBUTARY_TEST_POSTGRES_URL is unset; run `export TRIBUTARY_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"`'
      : undefined,
  types: {
    text: 'character varying',
    double: 'double precision',
    bool: 'boolean',
    timestamp: 'timestamp with time zone',
    bigint: 'bigint',
    binary: 'bytea',
    json: 'jsonb',
    decimal: 'numeric',
    wei: 'numeric',
    date: 'date',
    time: 'time without time zone',
  },
  async create() {
    const url = POSTGRES_URL as string;
    const temp = await makeTempDir('tributary-matrix-');
    const dataset = uniqueDataset();
    const client = new pg.Client({ connectionString: url, types: testTypes });
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'");
    const query = async (sql: string, params: unknown[] = []) =>
      plainRows((await client.query(sql, params)).rows as Row[]);
    return {
      dataset,
      dir: temp.dir,
      destination: (options = {}) => new PostgresDestination({ credentials: url, ...options }),
      cliEnv: { DESTINATION__POSTGRES__CREDENTIALS: url },
      table: (name) => qualified(dataset, name),
      query: (sql) => query(sql),
      async columnTypes(table) {
        const rows = await query(COLUMN_TYPES_SQL, [dataset, table]);
        return Object.fromEntries(rows.map((r) => [r.column_name, String(r.data_type).toLowerCase()]));
      },
      async cleanup() {
        for (const schema of [dataset, stagingDataset(dataset, 63)]) {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        }
        await client.end();
        await temp.cleanup();
      },
    };
  },
};

/** Every destination the shared suite covers. */
export const DESTINATION_TARGETS: DestinationTarget[] = [duckdbTarget, postgresTarget, filesystemTarget];
