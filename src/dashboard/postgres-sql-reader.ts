import { Pool } from 'pg';
import {
  type PostgresCredentials,
  resolvePostgresConnection,
} from '../destinations/postgres/postgres-credentials.js';
import type { ReadQuery, Row, SqlReader } from './sql-reader.js';

/**
 * Postgres through a small pool; every `read` is one `READ ONLY` transaction at `REPEATABLE READ`,
 * so the page's figures come from one snapshot and nothing can be written through it.
 */
export class PostgresSqlReader implements SqlReader {
  readonly type = 'postgres';
  readonly location: string;
  readonly #pool: Pool;

  constructor(credentials: string | PostgresCredentials) {
    const connection = resolvePostgresConnection(credentials);
    this.location = connection.location;
    this.#pool = new Pool({
      ...connection.config,
      application_name: 'tributary dashboard',
      connectionTimeoutMillis: 10_000,
      max: 2,
    });
    // An idle connection that breaks is reported here; without a listener it would end the process.
    this.#pool.on('error', () => {});
  }

  async read<T>(work: (query: ReadQuery) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const query: ReadQuery = async (sql, params = []) => (await client.query<Row>(sql, [...params])).rows;
      return await work(query);
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
