import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * DuckDB reads a package table that the load's SQL reads only once (every table of append and
 * replace, the nested tables of a delete-insert merge) through a view over the package file instead
 * of a staged copy. These tests check what that leaves behind and that it mixes with staged copies.
 */
describe('DuckDB staging: views over package files for tables read once', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let served: Array<Record<string, unknown>>;

  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': () => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(served) }),
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    temp = await makeTempDir('tributary-duckdb-staging-');
    return () => temp.cleanup();
  });

  const file = () => join(temp.dir, 'staging.duckdb');
  const run = (writeDisposition: unknown) =>
    runPipeline(
      restApiSource({
        client: { base_url: server.url },
        resources: [
          {
            name: 'items',
            primary_key: 'id',
            write_disposition: writeDisposition,
            endpoint: { path: 'items' },
          },
        ],
      }),
      {
        pipelineName: 'staging',
        destination: new DuckDbDestination(file()),
        workingDir: join(temp.dir, 'work'),
      },
    );
  const read = (sql: string) => withDuckDb(file(), (q) => q(sql));
  const stagingObjects = () =>
    read(
      "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'staging_dataset_staging' ORDER BY 1",
    );
  const tags = () =>
    read(
      'SELECT CAST(i.id AS INTEGER) AS id, t.value FROM staging_dataset.items AS i JOIN staging_dataset.items__tags AS t ON t._dlt_parent_id = i._dlt_id ORDER BY 1, 2',
    );

  it('a delete-insert merge stages only the root; no view outlives the load', async () => {
    served = [
      { id: 1, tags: ['a', 'b'] },
      { id: 2, tags: ['c'] },
      { id: 1, tags: ['z'] },
    ];
    await run('merge');
    expect(await stagingObjects()).toEqual([{ table_name: 'items', table_type: 'BASE TABLE' }]);
    // The last copy of id 1 wins, with its own nested rows only.
    expect(await tags()).toEqual([
      { id: 1, value: 'z' },
      { id: 2, value: 'c' },
    ]);
    served = [{ id: 2, tags: ['d', 'e'] }];
    await run('merge');
    expect(await tags()).toEqual([
      { id: 1, value: 'z' },
      { id: 2, value: 'd' },
      { id: 2, value: 'e' },
    ]);
    expect(await stagingObjects()).toEqual([{ table_name: 'items', table_type: 'BASE TABLE' }]);
  });

  it('a staged copy left by an earlier version gives way to the view, and the load is whole', async () => {
    served = [{ id: 1, tags: ['a'] }];
    await run('merge');
    // What a version that staged every table left behind: a copy of the nested table.
    const instance = await DuckDBInstance.create(file());
    const connection = await instance.connect();
    await connection.run(
      'CREATE TABLE staging_dataset_staging.items__tags AS SELECT * FROM staging_dataset.items__tags',
    );
    connection.closeSync();
    instance.closeSync();
    served = [
      { id: 1, tags: ['b'] },
      { id: 3, tags: ['c'] },
    ];
    await run('merge');
    expect(await stagingObjects()).toEqual([{ table_name: 'items', table_type: 'BASE TABLE' }]);
    expect(await tags()).toEqual([
      { id: 1, value: 'b' },
      { id: 3, value: 'c' },
    ]);
  });

  it('append reads every table from its file: nothing is staged', async () => {
    served = [{ id: 1, tags: ['a', 'b'] }];
    await run('append');
    served = [{ id: 1, tags: ['c'] }];
    await run('append');
    expect(await stagingObjects()).toEqual([]);
    expect(await tags()).toEqual([
      { id: 1, value: 'a' },
      { id: 1, value: 'b' },
      { id: 1, value: 'c' },
    ]);
  });
});
