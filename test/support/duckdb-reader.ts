import { DuckDBInstance } from '@duckdb/node-api';

/** Opens a DuckDB file read-only for assertions, runs the callback, closes it. */
export async function withDuckDb<T>(
  file: string,
  read: (query: (sql: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  try {
    return await read(
      async (sql) =>
        (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
