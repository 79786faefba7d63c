import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { useItemsApi } from '../support/items-api.js';

/**
 * DuckDB's `memory_limit` for a load: the default is small, and a load that runs out of memory
 * under it runs again with more; a limit the caller set stays as it is.
 */
describe('DuckDB load memory', () => {
  const api = useItemsApi('tributary-duckdb-memory-');

  const file = () => join(api.dir, 'memory.duckdb');
  const run = (destination: DuckDbDestination) =>
    api.runItems('memory', destination, {
      write_disposition: 'merge',
      endpoint: { path: 'items', paginator: { type: 'single_page' } },
    });
  const read = (sql: string) => withDuckDb(file(), (q) => q(sql));

  it('a load out of memory under the default limit runs again with more, and lands once', async () => {
    api.serve(Array.from({ length: 100 }, (_, i) => ({ id: i, tags: ['a', `t${i}`] })));
    // DuckDB's JSON reader takes 32 MiB buffers: 16 MB cannot read a package file at all.
    const report = await run(new DuckDbDestination(file(), { memoryLimit: '16MB', maxMemoryLimit: '256MB' }));
    expect(report.loadIds).toHaveLength(1);
    const counts = await read(
      'SELECT (SELECT count(*) FROM memory_dataset.items) AS items, (SELECT count(*) FROM memory_dataset.items__tags) AS tags, (SELECT count(*) FROM memory_dataset._dlt_loads) AS loads',
    );
    expect(counts[0]).toMatchObject({ items: 100n, tags: 200n, loads: 1n });
  }, 60_000);

  it('a limit the caller set is kept: the load fails with DuckDB’s reason and the setting to change, and leaves nothing', async () => {
    api.serve(Array.from({ length: 100 }, (_, i) => ({ id: i, tags: ['a'] })));
    const error = await run(new DuckDbDestination(file(), { memoryLimit: '16MB' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).message).toMatch(/Out of Memory Error/);
    expect((error as TributaryError).message).toMatch(
      /memory_limit 16MB: raise it with DESTINATION__DUCKDB__MEMORY_LIMIT/,
    );
    const tables = await read(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'memory_dataset' AND table_name IN ('items', '_dlt_loads')",
    );
    expect(tables).toEqual([]);
  }, 60_000);
});
