import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { useItemsApi } from '../support/items-api.js';

/**
 * DuckDB stages the tables that a load's SQL reads more than once in `<dataset>_staging` and reads
 * the others through views over the package files; both are dropped before the commit. These tests
 * check that nothing of it is left in the file, that the results are dlt's (last copy wins), and
 * that staged copies left by earlier versions are cleared.
 */
describe('DuckDB staging: copies and views dropped before the commit, nothing left in the file', () => {
  const api = useItemsApi('tributary-duckdb-staging-');

  const file = () => join(api.dir, 'staging.duckdb');
  const run = (writeDisposition: unknown) =>
    api.runItems('staging', new DuckDbDestination(file()), { write_disposition: writeDisposition });
  const read = (sql: string) => withDuckDb(file(), (q) => q(sql));
  /** Every schema and table of the file outside the dataset. */
  const outsideDataset = async () => [
    ...(await read(
      "SELECT schema_name AS name FROM information_schema.schemata WHERE catalog_name = current_database() AND schema_name NOT IN ('main', 'staging_dataset') ORDER BY 1",
    )),
    ...(await read(
      "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema <> 'staging_dataset' ORDER BY 1",
    )),
  ];
  const tags = () =>
    read(
      'SELECT CAST(i.id AS INTEGER) AS id, t.value FROM staging_dataset.items AS i JOIN staging_dataset.items__tags AS t ON t._dlt_parent_id = i._dlt_id ORDER BY 1, 2',
    );
  /** What a version that staged into `<dataset>_staging` left behind: copies of the given tables. */
  const leaveStagedCopies = async (tables: string[]) => {
    const instance = await DuckDBInstance.create(file());
    const connection = await instance.connect();
    await connection.run('CREATE SCHEMA IF NOT EXISTS staging_dataset_staging');
    for (const table of tables) {
      await connection.run(
        `CREATE TABLE staging_dataset_staging.${table} AS SELECT * FROM staging_dataset.items`,
      );
    }
    connection.closeSync();
    instance.closeSync();
  };

  it('a delete-insert merge leaves nothing outside the dataset, and the last copy of a key wins', async () => {
    api.serve([
      { id: 1, tags: ['a', 'b'] },
      { id: 2, tags: ['c'] },
      { id: 1, tags: ['z'] },
    ]);
    await run('merge');
    expect(await outsideDataset()).toEqual([]);
    // The last copy of id 1 wins, with its own nested rows only.
    expect(await tags()).toEqual([
      { id: 1, value: 'z' },
      { id: 2, value: 'c' },
    ]);
    api.serve([{ id: 2, tags: ['d', 'e'] }]);
    await run('merge');
    expect(await tags()).toEqual([
      { id: 1, value: 'z' },
      { id: 2, value: 'd' },
      { id: 2, value: 'e' },
    ]);
    expect(await outsideDataset()).toEqual([]);
  });

  it("staged copies left by an earlier version are dropped with the package's tables, then their schema", async () => {
    api.serve([{ id: 1, tags: ['a'] }]);
    await run('merge');
    await leaveStagedCopies(['items', 'items__tags']);
    api.serve([
      { id: 1, tags: ['b'] },
      { id: 3, tags: ['c'] },
    ]);
    await run('merge');
    expect(await outsideDataset()).toEqual([]);
    expect(await tags()).toEqual([
      { id: 1, value: 'b' },
      { id: 3, value: 'c' },
    ]);
  });

  it('a leftover copy of a table the package does not hold stays, and so does its schema', async () => {
    api.serve([{ id: 1, tags: ['a'] }]);
    await run('merge');
    await leaveStagedCopies(['items', 'other']);
    api.serve([{ id: 1, tags: ['b'] }]);
    await run('merge');
    expect(await outsideDataset()).toEqual([
      { name: 'staging_dataset_staging' },
      { name: 'staging_dataset_staging.other' },
    ]);
    expect(await tags()).toEqual([{ id: 1, value: 'b' }]);
  });

  it('append reads every table from its file: nothing is staged', async () => {
    api.serve([{ id: 1, tags: ['a', 'b'] }]);
    await run('append');
    api.serve([{ id: 1, tags: ['c'] }]);
    await run('append');
    expect(await outsideDataset()).toEqual([]);
    expect(await tags()).toEqual([
      { id: 1, value: 'a' },
      { id: 1, value: 'b' },
      { id: 1, value: 'c' },
    ]);
  });
});
