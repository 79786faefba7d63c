import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { pendingPackages } from '../../src/load/load-package.js';
import { createNaming } from '../../src/normalize/naming.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { DESTINATION_TARGETS, type DestinationOptions, type TestDataset } from './destination-targets.js';

/** What `GET /items` serves to the next run (records with an `updated_at` are filtered by `since`). */
let served: Array<Record<string, unknown>> = [];

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer({
    'GET /items': (request) => {
      const since = request.query.get('since');
      return { body: served.filter((r) => since === null || String(r.updated_at ?? '') > since) };
    },
  });
});
afterAll(() => server.close());

for (const target of DESTINATION_TARGETS) {
  const title = target.skipReason ? `${target.name} (skipped: ${target.skipReason})` : target.name;
  if (target.skipReason) console.warn(`destination matrix: ${title}`);

  describe.skipIf(target.skipReason !== undefined)(`destination matrix: ${title}`, () => {
    let ds: TestDataset;
    const work = () => join(ds.dir, 'work');
    const run = (
      resource: Record<string, unknown> = {},
      options: DestinationOptions & { name?: string; since?: boolean } = {},
    ) =>
      runPipeline(
        restApiSource({
          client: { base_url: server.url, paginator: 'single_page' },
          resources: [
            {
              name: options.name ?? 'items',
              endpoint: {
                path: 'items',
                data_selector: '$',
                ...(options.since
                  ? {
                      incremental: {
                        cursor_path: 'updated_at',
                        initial_value: '2024-01-01T00:00:00Z',
                        start_param: 'since',
                      },
                    }
                  : {}),
              },
              ...resource,
            },
          ],
        }),
        {
          pipelineName: 'matrix',
          datasetName: ds.dataset,
          destination: ds.destination(options),
          workingDir: work(),
        },
      );
    const rows = (table: string, select = '*', order = 'id') =>
      ds.query(`SELECT ${select} FROM ${ds.table(table)} ORDER BY ${order}`);
    const count = async (table: string) =>
      Number((await ds.query(`SELECT count(*) AS n FROM ${ds.table(table)}`))[0]?.n);

    /** Skips a behaviour the destination does not claim (it reads capabilities, not names). */
    const requires = (ctx: TestContext, capability: 'supportsMerge' | 'transactional') => {
      if (!ds.destination().capabilities[capability]) ctx.skip(`${target.name} is not ${capability}`);
    };

    beforeEach(async () => {
      ds = await target.create();
      return () => ds.cleanup();
    });

    it('creates the tables, nested tables and dlt system tables with dlt types', async () => {
      served = [
        {
          id: 1,
          name: 'first',
          score: 1.5,
          done: true,
          created_at: '2024-03-05T10:20:30Z',
          day: '2024-03-05',
          at: '10:20:30',
          amount: '12.5',
          big: '123456789012345678901234567890',
          payload: { a: [1, 2], b: 'x' },
          blob: '0x0102ff',
          tags: ['a', 'b'],
        },
      ];
      await run({
        columns: {
          day: { data_type: 'date' },
          at: { data_type: 'time' },
          amount: { data_type: 'decimal' },
          big: { data_type: 'wei' },
          payload: { data_type: 'json' },
          blob: { data_type: 'binary' },
        },
      });
      const types = await ds.columnTypes('items');
      const t = target.types;
      expect(types).toEqual({
        id: t.bigint,
        name: t.text,
        score: t.double,
        done: t.bool,
        created_at: t.timestamp,
        day: t.date,
        at: t.time,
        amount: t.decimal,
        big: t.wei,
        payload: t.json,
        blob: t.binary,
        _dlt_load_id: t.text,
        _dlt_id: t.text,
      });
      expect(await ds.columnTypes('items__tags')).toEqual({
        value: t.text,
        _dlt_parent_id: t.text,
        _dlt_list_idx: t.bigint,
        _dlt_id: t.text,
      });
      const [row] = await rows(
        'items',
        `id, name, score, done, created_at, CAST(day AS VARCHAR) AS day, CAST("at" AS VARCHAR) AS "at",
         CAST(amount AS VARCHAR) AS amount, CAST(CAST(big AS DECIMAL(38,0)) AS VARCHAR) AS big,
         CAST(payload AS VARCHAR) AS payload, blob`,
      );
      expect({ ...row, payload: JSON.parse(String(row?.payload)) }).toEqual({
        id: 1,
        name: 'first',
        score: 1.5,
        done: true,
        created_at: '2024-03-05T10:20:30.000Z',
        day: '2024-03-05',
        at: '10:20:30',
        amount: '12.500000000',
        big: '123456789012345678901234567890',
        payload: { a: [1, 2], b: 'x' },
        blob: '0102ff',
      });
      expect(await rows('items__tags', 'value', '_dlt_list_idx')).toEqual([{ value: 'a' }, { value: 'b' }]);
      for (const system of ['_dlt_loads', '_dlt_version', '_dlt_pipeline_state']) {
        expect(await count(system)).toBe(1);
      }
    });

    it('adds a new column and widens a whole-number column to double, keeping every value', async () => {
      served = [
        { id: 1, amount: 3 },
        { id: 2, amount: 4 },
      ];
      await run();
      expect((await ds.columnTypes('items')).amount).toBe(target.types.bigint);
      served = [{ id: 3, amount: 2.5, note: 'new' }];
      await run();
      const types = await ds.columnTypes('items');
      expect(types.amount).toBe(target.types.double);
      expect(types.note).toBe(target.types.text);
      expect(await rows('items', 'id, amount, note')).toEqual([
        { id: 1, amount: 3, note: null },
        { id: 2, amount: 4, note: null },
        { id: 3, amount: 2.5, note: 'new' },
      ]);
    });

    it('appends on every run with append', async () => {
      served = [{ id: 1, tags: ['a'] }];
      await run({ write_disposition: 'append' });
      await run({ write_disposition: 'append' });
      expect(await count('items')).toBe(2);
      expect(await count('items__tags')).toBe(2);
      expect(await count('_dlt_loads')).toBe(2);
    });

    it('replace clears the table and its nested tables, even when a load brings nothing', async () => {
      served = [
        { id: 1, tags: ['a', 'b'] },
        { id: 2, tags: ['c'] },
      ];
      await run({ write_disposition: 'replace' });
      served = [{ id: 3, tags: [] }];
      await run({ write_disposition: 'replace' });
      expect(await rows('items', 'id')).toEqual([{ id: 3 }]);
      expect(await count('items__tags')).toBe(0);
      served = [];
      await run({ write_disposition: 'replace' });
      expect(await count('items')).toBe(0);
    });

    it('merge delete-insert replaces a key with its nested rows; duplicates in a load: the last one wins', async (ctx) => {
      requires(ctx, 'supportsMerge');
      const merge = { primary_key: 'id', write_disposition: 'merge' };
      served = [
        { id: 1, v: 'a', tags: ['x', 'y'] },
        { id: 2, v: 'b', tags: ['z'] },
      ];
      await run(merge);
      served = [
        { id: 1, v: 'a1', tags: ['first'] },
        { id: 3, v: 'c', tags: [] },
        { id: 1, v: 'a2', tags: ['second', 'third'] },
      ];
      await run(merge);
      expect(await rows('items', 'id, v')).toEqual([
        { id: 1, v: 'a2' },
        { id: 2, v: 'b' },
        { id: 3, v: 'c' },
      ]);
      const tags = await ds.query(
        `SELECT r.id, t.value FROM ${ds.table('items__tags')} t JOIN ${ds.table('items')} r ON t._dlt_root_id = r._dlt_id ORDER BY r.id, t._dlt_list_idx`,
      );
      expect(tags).toEqual([
        { id: 1, value: 'second' },
        { id: 1, value: 'third' },
        { id: 2, value: 'z' },
      ]);
      expect(await count('items__tags')).toBe(3);
    });

    it('merge with hard_delete removes the rows marked deleted and keeps the rest', async (ctx) => {
      requires(ctx, 'supportsMerge');
      const merge = {
        primary_key: 'id',
        write_disposition: 'merge',
        columns: { deleted: { hard_delete: true, data_type: 'bool' } },
      };
      served = [
        { id: 1, v: 'a', tags: ['x'] },
        { id: 2, v: 'b', tags: ['y'] },
      ];
      await run(merge);
      served = [
        { id: 1, deleted: true },
        { id: 4, deleted: true },
        { id: 2, v: 'b2', deleted: false },
      ];
      await run(merge);
      expect(await rows('items', 'id, v')).toEqual([{ id: 2, v: 'b2' }]);
      expect(await count('items__tags')).toBe(0);
    });

    it('upsert updates, inserts and hard-deletes by key, replacing nested rows', async (ctx) => {
      requires(ctx, 'supportsMerge');
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
      const [before] = await ds.query(`SELECT _dlt_id FROM ${ds.table('items')} WHERE id = 1`);
      served = [
        { id: 1, v: 'a2', tags: ['w'] },
        { id: 2, deleted: true },
        { id: 3, v: 'c', tags: [] },
      ];
      await run(upsert);
      expect(await rows('items', 'id, v, _dlt_id')).toEqual([
        { id: 1, v: 'a2', _dlt_id: before?._dlt_id },
        { id: 3, v: 'c', _dlt_id: expect.any(String) },
      ]);
      expect(await rows('items__tags', 'value', 'value')).toEqual([{ value: 'w' }]);
    });

    it('upsert keeps the last version of a key served twice in one load', async (ctx) => {
      requires(ctx, 'supportsMerge');
      const upsert = { primary_key: 'id', write_disposition: { disposition: 'merge', strategy: 'upsert' } };
      served = [
        { id: 1, v: 'old', tags: ['x', 'y'] },
        { id: 1, v: 'new', tags: ['z', 'y'] },
      ];
      await run(upsert);
      expect(await rows('items', 'id, v')).toEqual([{ id: 1, v: 'new' }]);
      expect(await rows('items__tags', 'value', '_dlt_list_idx')).toEqual([{ value: 'z' }, { value: 'y' }]);
    });

    it('merge keeps the last copy of each key over a load larger than a few DuckDB row groups', async (ctx) => {
      requires(ctx, 'supportsMerge');
      // 240,000 rows (DuckDB scans row groups of 122,880 rows on several threads); each key is
      // served 6 times, 40,000 rows apart, and only its last copy (v = id + 200,000) may stay.
      const keys = 40_000;
      served = Array.from({ length: 6 * keys }, (_, i) => ({ id: i % keys, v: i }));
      await run({ primary_key: 'id', write_disposition: 'merge' });
      const [facts] = await ds.query(
        `SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(CASE WHEN v = id + ${5 * keys} THEN 1 ELSE 0 END) AS last FROM ${ds.table('items')}`,
      );
      expect([Number(facts?.n), Number(facts?.ids), Number(facts?.last)]).toEqual([keys, keys, keys]);
    }, 60_000);

    it('scd2 keeps every version over loads and retires the ones that disappear', async (ctx) => {
      requires(ctx, 'supportsMerge');
      const scd2 = { write_disposition: { disposition: 'merge', strategy: 'scd2' } };
      const history = () =>
        ds.query(
          `SELECT nk, c1, _dlt_id, _dlt_valid_from, _dlt_valid_to FROM ${ds.table('items')} ORDER BY _dlt_valid_from, nk`,
        );
      served = [
        { nk: 1, c1: 'foo', c2: { nc1: 'foo' } },
        { nk: 2, c1: 'bar', c2: { nc1: 'bar' } },
      ];
      await run(scd2);
      expect((await history()).map((r) => [r.nk, r._dlt_id, r._dlt_valid_to])).toEqual([
        [1, 'OTPbGyxWlJzmpA', null],
        [2, 'S41QIpRa9Fwh0w', null],
      ]);
      served = [
        { nk: 1, c1: 'foo', c2: { nc1: 'foo_updated' } },
        { nk: 2, c1: 'bar', c2: { nc1: 'bar' } },
      ];
      await run(scd2);
      served = [{ nk: 1, c1: 'foo', c2: { nc1: 'foo_updated' } }];
      await run(scd2);
      const versions = await history();
      expect(versions.map((r) => [r.nk, r._dlt_id, r._dlt_valid_to === null])).toEqual([
        [1, 'OTPbGyxWlJzmpA', false],
        [2, 'S41QIpRa9Fwh0w', false],
        [1, 'iN54O1iVZxPBZg', true],
      ]);
      // The first version of 1 ends exactly where its successor starts.
      expect(versions[0]?._dlt_valid_to).toBe(versions[2]?._dlt_valid_from);
      expect(typeof versions[1]?._dlt_valid_to).toBe('string');
    });

    it('scd2 stores a record served twice in one load once, with its nested rows once', async (ctx) => {
      requires(ctx, 'supportsMerge');
      served = [
        { nk: 1, tags: ['a', 'b'] },
        { nk: 1, tags: ['a', 'b'] },
      ];
      await run({ write_disposition: { disposition: 'merge', strategy: 'scd2' } });
      expect(await count('items')).toBe(1);
      expect(await rows('items__tags', 'value', 'value')).toEqual([{ value: 'a' }, { value: 'b' }]);
    });

    it('shortens names past the identifier limit with dlt tags and loads them', async () => {
      const longTable = `resource_${'with_a_rather_long_name_'.repeat(3)}end`;
      const longKey = `field_${'and_a_long_column_name_'.repeat(3)}end`;
      served = [{ id: 1, [longKey]: 'value', children: [{ [longKey]: 'nested' }] }];
      await run({}, { name: longTable });
      const naming = createNaming(ds.destination().capabilities.maxIdentifierLength);
      const root = naming.normalizePath(longTable);
      const nested = naming.shortenFragments(root, 'children');
      const column = naming.normalizePath(longKey);
      const limit = ds.destination().capabilities.maxIdentifierLength;
      for (const name of [root, nested, column]) expect(name.length).toBeLessThanOrEqual(limit);
      expect(root === longTable).toBe(limit >= longTable.length);
      expect(await ds.query(`SELECT "${column}" AS v FROM ${ds.table(root)}`)).toEqual([{ v: 'value' }]);
      expect(await ds.query(`SELECT "${column}" AS v FROM ${ds.table(nested)}`)).toEqual([{ v: 'nested' }]);
    });

    it('keeps unicode data intact and normalizes unicode names', async () => {
      const text = 'Grüße, 日本語, emoji 🚀🔥, tab\tnewline\nbackslash\\ quote\' "double" \\N';
      served = [{ id: 1, 'Ünïcode Näme': text, 名前: 'ok', nested: { ключ: 'значение' } }];
      await run();
      const naming = createNaming(ds.destination().capabilities.maxIdentifierLength);
      const [row] = await rows(
        'items',
        `"${naming.normalizeIdentifier('Ünïcode Näme')}" AS a, "${naming.normalizeIdentifier('名前')}" AS b, "${naming.normalizePath('nested__ключ')}" AS c`,
      );
      expect(row).toEqual({ a: text, b: 'ok', c: 'значение' });
    });

    it('stores the state with the data and restores it after the working folder is lost', async () => {
      served = [
        { id: 1, updated_at: '2024-02-01T00:00:00Z' },
        { id: 2, updated_at: '2024-03-01T00:00:00Z' },
      ];
      await run({ write_disposition: 'append' }, { since: true });
      const destination = ds.destination();
      await destination.open();
      const state = await destination.storedState(ds.dataset, 'matrix');
      await destination.close();
      const cursor = (state?.sources as Record<string, unknown>)?.rest_api as Record<string, unknown>;
      expect(JSON.stringify(cursor)).toContain('"last_value":"2024-03-01T00:00:00Z"');
      await rm(work(), { recursive: true, force: true });
      served.push({ id: 3, updated_at: '2024-04-01T00:00:00Z' });
      server.reset();
      await run({ write_disposition: 'append' }, { since: true });
      expect(server.calls()).toEqual(['GET /items?since=2024-03-01T00%3A00%3A00Z']);
      expect(await rows('items', 'id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    });

    it('a failure mid-load commits nothing; the next run finishes the package', async (ctx) => {
      requires(ctx, 'transactional');
      requires(ctx, 'supportsMerge');
      served = [{ id: 1, tags: ['a'] }];
      await run({ primary_key: 'id', write_disposition: 'merge' });
      served = [
        { id: 1, tags: ['b'], extra: 'new column' },
        { id: 2, tags: ['c'] },
      ];
      const rootInsert = new RegExp(`INSERT INTO "${ds.dataset}"\\."items" `);
      const failure = await run(
        { primary_key: 'id', write_disposition: 'merge' },
        {
          onStatement(sql) {
            if (rootInsert.test(sql)) throw new TributaryError('DESTINATION', 'injected terminal fault');
          },
        },
      ).catch((e: unknown) => e);
      expect((failure as TributaryError).code).toBe('DESTINATION');
      expect((failure as Error).message).toContain('injected terminal fault');
      expect(await rows('items', 'id')).toEqual([{ id: 1 }]);
      expect(await ds.columnTypes('items')).not.toHaveProperty('extra');
      expect(await rows('items__tags', 'value', 'value')).toEqual([{ value: 'a' }]);
      expect(await count('_dlt_loads')).toBe(1);
      expect(await pendingPackages(work())).toHaveLength(1);
      served = [];
      await run({ primary_key: 'id', write_disposition: 'merge' });
      expect(await rows('items', 'id, extra')).toEqual([
        { id: 1, extra: 'new column' },
        { id: 2, extra: null },
      ]);
      expect(await rows('items__tags', 'value', 'value')).toEqual([{ value: 'b' }, { value: 'c' }]);
      expect(await count('_dlt_loads')).toBe(3);
    });

    it('a transient fault is retried within the run and the load commits once', async (ctx) => {
      requires(ctx, 'transactional');
      served = [{ id: 1 }, { id: 2 }];
      let faults = 0;
      const report = await run(
        {},
        {
          onStatement(sql) {
            if (!sql.includes('"_dlt_loads" (load_id') || faults >= 2) return;
            faults++;
            throw new TributaryError('DESTINATION', 'injected transient fault', { retryable: true });
          },
        },
      );
      expect(faults).toBe(2);
      expect(report.loadIds).toHaveLength(1);
      expect(await count('items')).toBe(2);
      expect(await count('_dlt_loads')).toBe(1);
    });

    it('inspect lists the loads and every table with its row count', async () => {
      served = [{ id: 1, tags: ['a', 'b'] }];
      await run();
      const destination = ds.destination();
      await destination.open();
      const facts = await destination.inspect(ds.dataset, 10);
      await destination.close();
      expect(facts.loads).toHaveLength(1);
      expect(facts.loads[0]).toMatchObject({ schemaName: 'rest_api', status: 0 });
      expect(facts.tables).toEqual([
        { name: '_dlt_loads', rows: 1 },
        { name: '_dlt_pipeline_state', rows: 1 },
        { name: '_dlt_version', rows: 1 },
        { name: 'items', rows: 1 },
        { name: 'items__tags', rows: 2 },
      ]);
    });
  });
}
