import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from './support/recording-server.js';
import { makeTempDir } from './support/temp-dir.js';

let served: unknown[] = [];

describe('merge strategies and replace on DuckDB', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const file = () => join(temp.dir, 'm.duckdb');
  const run = (resource: Record<string, unknown>) =>
    runPipeline(
      restApiSource({
        client: { base_url: server.url, paginator: 'single_page' },
        resources: [{ name: 'dim_test', endpoint: { path: 'items', data_selector: '$' }, ...resource }],
      }),
      { pipelineName: 'm', destination: new DuckDbDestination(file()), workingDir: join(temp.dir, 'w') },
    );
  const query = (sql: string) => withDuckDb(file(), (q) => q(sql));

  beforeAll(async () => {
    server = await startRecordingServer({ 'GET /items': () => ({ body: served }) });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    return temp.cleanup;
  });

  it('scd2 keeps history over four loads (dlt test_core_functionality)', async () => {
    const scd2 = { write_disposition: { disposition: 'merge', strategy: 'scd2' } };
    const history = () =>
      query(
        `SELECT nk, c1, c2__nc1, _dlt_id, _dlt_valid_from IS NOT NULL AS has_from, CAST(_dlt_valid_to AS VARCHAR) AS valid_to
         FROM m_dataset.dim_test ORDER BY _dlt_valid_from, nk`,
      );
    served = [
      { nk: 1, c1: 'foo', c2: { nc1: 'foo' } },
      { nk: 2, c1: 'bar', c2: { nc1: 'bar' } },
    ];
    await run(scd2);
    const first = await history();
    expect(first.map((r) => [r.nk, r._dlt_id, r.valid_to])).toEqual([
      [1n, 'OTPbGyxWlJzmpA', null],
      [2n, 'S41QIpRa9Fwh0w', null],
    ]);
    served = [
      { nk: 1, c1: 'foo', c2: { nc1: 'foo_updated' } },
      { nk: 2, c1: 'bar', c2: { nc1: 'bar' } },
    ];
    await run(scd2);
    const second = await history();
    expect(second).toHaveLength(3);
    const retired = second.find((r) => r._dlt_id === 'OTPbGyxWlJzmpA');
    expect(retired?.valid_to).not.toBeNull();
    // The new version's id is the row hash of the changed record (computed with Python's hashlib as dlt does).
    expect(second.find((r) => r.c2__nc1 === 'foo_updated')).toMatchObject({
      nk: 1n,
      _dlt_id: 'iN54O1iVZxPBZg',
      valid_to: null,
    });
    // The old version ends exactly where the new one starts: the second load's boundary.
    const [bounds] = await query(
      'SELECT CAST(max(_dlt_valid_to) AS VARCHAR) AS ended, CAST(max(_dlt_valid_from) AS VARCHAR) AS started FROM m_dataset.dim_test',
    );
    expect(bounds?.ended).toBe(bounds?.started);
    served = [{ nk: 1, c1: 'foo', c2: { nc1: 'foo_updated' } }];
    await run(scd2);
    const third = await history();
    expect(third.filter((r) => r.valid_to === null).map((r) => r.nk)).toEqual([1n]);
    served = [
      { nk: 1, c1: 'foo', c2: { nc1: 'foo_updated' } },
      { nk: 3, c1: 'baz', c2: { nc1: 'baz' } },
    ];
    await run(scd2);
    const fourth = await history();
    expect(fourth).toHaveLength(4);
    expect(fourth.filter((r) => r.valid_to === null).map((r) => r.nk)).toEqual([1n, 3n]);
    expect(fourth.every((r) => r.has_from)).toBe(true);
  });

  it('upsert updates, inserts and hard-deletes by key, with key-hash ids and replaced nested rows', async () => {
    const upsert = {
      primary_key: 'id',
      write_disposition: { disposition: 'merge', strategy: 'upsert' },
      columns: { deleted: { hard_delete: true, data_type: 'bool' } },
    };
    served = [
      { id: 1, v: 'a', tags: ['x', 'y'] },
      { id: 2, v: 'b', tags: ['z'] },
    ];
    await run(upsert);
    const [before] = await query('SELECT _dlt_id FROM m_dataset.dim_test WHERE id = 1');
    served = [
      { id: 1, v: 'a2', tags: ['w'] },
      { id: 2, deleted: true },
      { id: 3, v: 'c', tags: [] },
    ];
    await run(upsert);
    expect(await query('SELECT id, v, _dlt_id FROM m_dataset.dim_test ORDER BY id')).toEqual([
      { id: 1n, v: 'a2', _dlt_id: before?._dlt_id },
      { id: 3n, v: 'c', _dlt_id: expect.any(String) },
    ]);
    expect(
      await query(
        'SELECT r.id, t.value FROM m_dataset.dim_test__tags t JOIN m_dataset.dim_test r ON t._dlt_root_id = r._dlt_id ORDER BY 1, 2',
      ),
    ).toEqual([{ id: 1n, value: 'w' }]);
    expect(await query('SELECT count(*) AS n FROM m_dataset.dim_test__tags')).toEqual([{ n: 1n }]);
  });

  it('insert-only adds new keys and never touches existing rows', async () => {
    const insertOnly = {
      primary_key: 'id',
      write_disposition: { disposition: 'merge', strategy: 'insert-only' },
    };
    served = [{ id: 1, v: 'a' }];
    await run(insertOnly);
    served = [
      { id: 1, v: 'changed' },
      { id: 2, v: 'b' },
    ];
    await run(insertOnly);
    expect(await query('SELECT id, v FROM m_dataset.dim_test ORDER BY id')).toEqual([
      { id: 1n, v: 'a' },
      { id: 2n, v: 'b' },
    ]);
  });

  it('dedup_sort picks the winner of duplicate keys (desc: the highest sequence)', async () => {
    served = [
      { id: 1, sequence: 1, items: ['s1'] },
      { id: 1, sequence: 3, items: ['s3'] },
      { id: 1, sequence: 2, items: ['s2'] },
    ];
    await run({
      primary_key: 'id',
      write_disposition: 'merge',
      columns: { sequence: { dedup_sort: 'desc' } },
    });
    expect(await query('SELECT id, sequence FROM m_dataset.dim_test')).toEqual([{ id: 1n, sequence: 3n }]);
    expect(await query('SELECT value FROM m_dataset.dim_test__items')).toEqual([{ value: 's3' }]);
  });

  it('merge_key without primary key deletes by that key and keeps duplicates (dlt test_no_deduplicate_only_merge_key)', async () => {
    served = [
      { id: 1, v: 'a', list: [1, 2, 3] },
      { id: 1, v: 'b', list: [4, 5, 6] },
    ];
    await run({ merge_key: 'id', write_disposition: 'merge' });
    await run({ merge_key: 'id', write_disposition: 'merge' });
    expect(await query('SELECT count(*) AS n FROM m_dataset.dim_test')).toEqual([{ n: 2n }]);
    expect(await query('SELECT count(*) AS n FROM m_dataset.dim_test__list')).toEqual([{ n: 6n }]);
  });

  it('replace with insert-from-staging empties the table and its children when a load brings nothing', async () => {
    const replace = { write_disposition: { disposition: 'replace', strategy: 'insert-from-staging' } };
    served = [{ id: 1, sub_items: [{ a: 1 }, { a: 2 }] }];
    await run(replace);
    served = [{ id: 1, sub_items: [] }];
    await run(replace);
    expect(await query('SELECT count(*) AS n FROM m_dataset.dim_test__sub_items')).toEqual([{ n: 0n }]);
    served = [];
    await run(replace);
    expect(await query('SELECT count(*) AS n FROM m_dataset.dim_test')).toEqual([{ n: 0n }]);
  });

  it('a merge resource switched to append or replace keeps giving nested rows their _dlt_root_id (as dlt)', async () => {
    served = [
      { id: 1, tags: ['a', 'b'] },
      { id: 2, tags: ['c'] },
    ];
    await run({ primary_key: 'id', write_disposition: 'merge' });
    served = [{ id: 3, tags: ['d'], notes: [{ text: 'new nested table' }] }];
    await run({ primary_key: 'id', write_disposition: 'append' });
    // Every nested row, of the old nested table and of one that appeared after the switch, points
    // at its root row; dlt keeps the root key propagation that a merge put into the schema.
    const orphans = (table: string) =>
      query(
        `SELECT count(*) AS n FROM m_dataset.${table} AS t LEFT JOIN m_dataset.dim_test AS r ON r._dlt_id = t._dlt_root_id WHERE r._dlt_id IS NULL`,
      );
    expect(await query('SELECT count(*) AS n FROM m_dataset.dim_test__tags')).toEqual([{ n: 4n }]);
    expect(await orphans('dim_test__tags')).toEqual([{ n: 0n }]);
    expect(await orphans('dim_test__notes')).toEqual([{ n: 0n }]);
    served = [{ id: 4, tags: ['e', 'f'] }];
    await run({ primary_key: 'id', write_disposition: 'replace' });
    expect(
      await query(
        'SELECT CAST(r.id AS INTEGER) AS id, t.value FROM m_dataset.dim_test__tags AS t JOIN m_dataset.dim_test AS r ON r._dlt_id = t._dlt_root_id ORDER BY 2',
      ),
    ).toEqual([
      { id: 4, value: 'e' },
      { id: 4, value: 'f' },
    ]);
  });
});
