import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TributaryError } from '../errors/tributary-error.js';
import type { ReadQuery, Row, SqlReader } from './sql-reader.js';

/**
 * A DuckDB file opened read-only for each `read` and closed right after. DuckDB lets one process
 * write a file and nobody read it meanwhile, so the dashboard never keeps the file open: a sync
 * started while the page is shown can take the file between two requests. Reads wait for each other.
 */
export class DuckDbSqlReader implements SqlReader {
  readonly type = 'duckdb';
  readonly location: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.location = resolve(path);
  }

  read<T>(work: (query: ReadQuery) => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => this.#read(work));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #read<T>(work: (query: ReadQuery) => Promise<T>): Promise<T> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(this.location, { access_mode: 'READ_ONLY' });
    } catch (cause) {
      const reason = (cause instanceof Error ? cause.message.split('\n')[0] : String(cause)) ?? '';
      const locked = /could not set lock/i.test(reason);
      throw new TributaryError(
        'DESTINATION',
        locked
          ? `cannot read DuckDB file ${this.location}: a running pipeline holds it; reload when the run has finished`
          : `cannot read DuckDB file ${this.location}: ${reason}`,
        { retryable: locked, cause },
      );
    }
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      const query: ReadQuery = async (sql, params = []) => {
        const reader = await connection.runAndReadAll(sql, [...params]);
        return reader.getRowObjectsJson() as Row[];
      };
      return await work(query);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}
