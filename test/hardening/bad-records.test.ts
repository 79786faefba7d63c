import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type RestApiHarness, useRestApiHarness } from '../rest-api/rest-api-harness.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { runSourceCli } from './hardening-server.js';

/**
 * Bad records (reliability table B3 cases 6–11): served by a real server, loaded into a DuckDB file,
 * read back. Each case ends in the right tables or in a clear error that commits nothing.
 */
describe('bad records', () => {
  const h = useRestApiHarness();
  /** Pages served by `GET /items?page=N` in the next run; past the last one, an empty page. */
  let pages: unknown[][] = [];
  const serve = () =>
    h.serve({
      'GET /items': ({ query }) => ({ body: { data: pages[Number(query.get('page')) - 1] ?? [] } }),
    });
  const config = (url: string, resource: Record<string, unknown> = {}) => ({
    client: { base_url: url },
    resources: [
      {
        name: 'items',
        endpoint: {
          data_selector: 'data',
          paginator: { type: 'page_number', base_page: 1, total_path: null, stop_after_empty_page: true },
        },
        ...resource,
      },
    ],
  });
  const merge = { primary_key: 'id', write_disposition: 'merge' };
  const columns = async (table = 'items') =>
    (
      await h.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'rest_dataset' AND table_name = '${table}' AND column_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY ordinal_position`,
      )
    ).map((r) => String(r.column_name));
  /** What a failed run must leave as it was. */
  const committed = async (harness: RestApiHarness) => ({
    tables: await harness.tables(),
    loads: await harness.loadCount(),
    items: await harness.query(
      'SELECT * EXCLUDE (_dlt_id, _dlt_load_id) FROM rest_dataset.items ORDER BY id',
    ),
  });
  const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const nestedArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

  describe('deep nesting (B3 #6)', () => {
    /** One record `{id, deep}` whose `deep` is JSON text nested `depth` levels. */
    const serveDeep = (deep: string) =>
      h.serve({
        'GET /items': () => ({
          headers: { 'content-type': 'application/json' },
          body: `[{"id":1,"deep":${deep}}]`,
        }),
      });
    const single = (url: string, nesting?: number) => ({
      client: { base_url: url },
      resources: [{ name: 'items', ...(nesting === undefined ? {} : { max_table_nesting: nesting }) }],
    });

    it('flattens 10,000 levels of objects down to max_table_nesting and keeps the rest as one JSON value', async () => {
      const api = await serveDeep(nestedObject(10_000));
      await h.run(single(api.url, 2));
      expect(await columns()).toEqual(['id', 'deep__a__a']);
      const [row] = await h.query('SELECT id, deep__a__a::VARCHAR AS rest FROM rest_dataset.items');
      expect(row).toEqual({ id: 1, rest: nestedObject(9_998) });
    });

    it('with the default max_table_nesting (1000), flattens 1,000 levels into one column name and keeps 9,000 as JSON', async () => {
      const api = await serveDeep(nestedObject(10_000));
      await h.run(single(api.url));
      const [, deep] = await columns();
      expect(deep?.split('__')).toEqual(['deep', ...Array(1000).fill('a')]);
      const [row] = await h.query(`SELECT "${deep}"::VARCHAR AS rest FROM rest_dataset.items`);
      expect(row?.rest).toBe(nestedObject(9_000));
    });

    it('turns 10,000 levels of lists into nested tables down to max_table_nesting, the rest as JSON', async () => {
      const api = await serveDeep(nestedArray(10_000));
      await h.run(single(api.url, 2));
      expect(await h.tables()).toEqual([
        '_dlt_loads',
        '_dlt_pipeline_state',
        '_dlt_version',
        'items',
        'items__deep',
      ]);
      const [row] = await h.query(
        'SELECT _dlt_list_idx AS i, list::VARCHAR AS rest FROM rest_dataset.items__deep',
      );
      expect(row).toEqual({ i: 0, rest: nestedArray(9_999) });
    });

    it('reads a deep body that holds an integer beyond 2^53 exactly (the exact parser is iterative too)', async () => {
      const api = await serveDeep(`{"big":12345678901234567890,"more":${nestedObject(10_000)}}`);
      await h.run(single(api.url, 1));
      const [row] = await h.query(
        'SELECT deep__big::VARCHAR AS big, length(deep__more::VARCHAR) AS n FROM rest_dataset.items',
      );
      expect(row).toEqual({ big: '12345678901234567890', n: nestedObject(10_000).length });
    });
  });

  it('loads a column whose type flips int → float → string → object → int → list → bool across pages, losing no value (B3 #7)', async () => {
    const values: unknown[] = [1, 2.5, 'n/a', { x: 1 }, 7, [1, 2], true];
    pages = values.map((v, i) => [{ id: i + 1, v }]);
    const api = await serve();
    const events: string[] = [];
    await h.run(config(api.url), { runtime: { emit: (e) => events.push(e.type) } });
    expect(events).toContain('load_finished');
    expect(await columns()).toEqual(['id', 'v', 'v__v_text', 'v__x', 'v__v_bool']);
    expect(await h.rows('items', 'id, v, v__v_text, v__x, v__v_bool')).toEqual([
      { id: 1, v: 1, v__v_text: null, v__x: null, v__v_bool: null },
      { id: 2, v: 2.5, v__v_text: null, v__x: null, v__v_bool: null },
      { id: 3, v: null, v__v_text: 'n/a', v__x: null, v__v_bool: null },
      { id: 4, v: null, v__v_text: null, v__x: 1, v__v_bool: null },
      { id: 5, v: 7, v__v_text: null, v__x: null, v__v_bool: null },
      { id: 6, v: null, v__v_text: null, v__x: null, v__v_bool: null },
      { id: 7, v: null, v__v_text: null, v__x: null, v__v_bool: true },
    ]);
    expect(await h.query('SELECT value, _dlt_list_idx AS i FROM rest_dataset.items__v ORDER BY i')).toEqual([
      { value: 1, i: 0 },
      { value: 2, i: 1 },
    ]);
  });

  describe('duplicate primary keys (B3 #8)', () => {
    it.each(['delete-insert', 'upsert'])(
      'keeps one row per key with %s, the last one served, with only its own child rows',
      async (strategy) => {
        pages = [
          [
            { id: 7, v: 'first', tags: ['a', 'b'] },
            { id: 7, v: 'second', tags: ['c'] },
          ],
          [
            { id: 8, v: 'other', tags: [] },
            { id: 7, v: 'third', tags: ['d', 'e'] },
          ],
        ];
        const api = await serve();
        const resource = { ...merge, write_disposition: { disposition: 'merge', strategy } };
        await h.run(config(api.url, resource));
        expect(await h.rows('items', 'id, v')).toEqual([
          { id: 7, v: 'third' },
          { id: 8, v: 'other' },
        ]);
        const tags = await h.query(
          'SELECT i.id, t.value FROM rest_dataset.items__tags t JOIN rest_dataset.items i ON t._dlt_root_id = i._dlt_id ORDER BY t._dlt_list_idx',
        );
        expect(tags).toEqual([
          { id: 7, value: 'd' },
          { id: 7, value: 'e' },
        ]);
        const [count] = await h.query('SELECT count(*) AS n FROM rest_dataset.items__tags');
        expect(count?.n).toBe(2);
      },
    );
  });

  describe('null or missing primary key with merge (B3 #9)', () => {
    it.each([
      { name: 'a null key', record: { id: null, v: 'x' }, problem: 'is null' },
      { name: 'a missing key', record: { v: 'x' }, problem: 'is missing' },
    ])(
      'fails on $name, naming resource, record and column, and commits nothing',
      async ({ record, problem }) => {
        pages = [[{ id: 1, v: 'a' }]];
        const api = await serve();
        await h.run(config(api.url, merge));
        const before = await committed(h);
        pages = [[{ id: 1, v: 'changed' }, record]];
        const error = await h.failure(config(api.url, merge));
        expect(error.code).toBe('SCHEMA_VIOLATION');
        expect(error.message).toBe(
          `resource items, record id=null: column items.id ${problem} but declared not nullable (primary key); a merge cannot match a row without it`,
        );
        expect(await committed(h)).toEqual(before);
      },
    );
  });

  describe('names (B3 #10, #11)', () => {
    const record = {
      id: 1,
      '🔥score': 10,
      Ünïcode: 'u',
      select: 's',
      order: 'o',
      group: 'g',
      table: 't',
      from: 'f',
      [`k${'x'.repeat(299)}`]: 'long',
      'naïve café': 'n',
      nested: { Straße: 'st', where: 'w' },
    };

    it('gives unicode, emoji, SQL keyword and 300-character keys the same dlt names on every run', async () => {
      pages = [[record]];
      const api = await serve();
      await h.run(config(api.url, merge));
      const names = [
        'id',
        '_score',
        '_n_code',
        'select',
        'order',
        'group',
        'table',
        'from',
        `k${'x'.repeat(299)}`,
        'na_ve_cafx',
        'nested__stra_e',
        'nested__where',
      ];
      expect(await columns()).toEqual(names);
      pages = [[{ ...record, '🔥score': 11 }]];
      await h.run(config(api.url, merge));
      expect(await columns()).toEqual(names);
      const quoted = names.map((n) => `"${n}"`).join(', ');
      expect(await h.query(`SELECT ${quoted} FROM rest_dataset.items`)).toEqual([
        {
          id: 1,
          _score: 11,
          _n_code: 'u',
          select: 's',
          order: 'o',
          group: 'g',
          table: 't',
          from: 'f',
          [`k${'x'.repeat(299)}`]: 'long',
          na_ve_cafx: 'n',
          nested__stra_e: 'st',
          nested__where: 'w',
        },
      ]);
    });

    it.each([
      {
        keys: { userId: 1, user_id: 2, UserID: 3 },
        message: 'Keys "userId" and "user_id" both normalize to the column "user_id"',
      },
      { keys: { 日本語: 1, 中文: 2 }, message: 'Keys "日本語" and "中文" both normalize to the column "x"' },
      { keys: { '🔥': 1, '💧': 2 }, message: 'Keys "🔥" and "💧" both normalize to the column "x"' },
      {
        keys: { a: { b: 1 }, a__b: 2 },
        message: 'Keys "a__b" and "a" > "b" both normalize to the column "a__b"',
      },
    ])(
      'refuses keys that collide after normalization instead of merging them: $message',
      async ({ keys, message }) => {
        pages = [[{ id: 1 }]];
        const api = await serve();
        await h.run(config(api.url, merge));
        const before = await committed(h);
        pages = [[{ id: 2, ...keys }]];
        const error = await h.failure(config(api.url, merge));
        expect(error.code).toBe('NAME_COLLISION');
        expect(error.message).toContain(
          `${message} of table "items"; dlt would silently keep only the last value`,
        );
        expect(await committed(h)).toEqual(before);
      },
    );
  });

  describe('through the CLI', () => {
    it('exits 1 with the error and commits nothing on a name collision or a missing primary key', async () => {
      pages = [[{ id: 1, v: 'a' }]];
      const api = await serve();
      const file = join(h.paths().dir, 'items.json');
      await writeFile(file, JSON.stringify(config(api.url, merge)));
      const db = join(h.paths().dir, 'items.duckdb');
      // The first, good load in process (as `tributary run items.json` would), to keep the test short.
      await runPipeline(h.source(config(api.url, merge)), {
        pipelineName: 'items',
        destination: new DuckDbDestination(db),
        workingDir: join(h.paths().dir, 'home/pipelines/items'),
      });
      const loads = () => withDuckDb(db, (q) => q('SELECT count(*) AS n FROM items_dataset._dlt_loads'));
      for (const [bad, shown] of [
        [
          { id: 2, userId: 1, user_id: 2 },
          'error: Keys "userId" and "user_id" both normalize to the column "user_id"',
        ],
        [
          { v: 'no key' },
          'error: resource items, record id=null: column items.id is missing but declared not nullable',
        ],
      ] as const) {
        pages = [[{ id: 1, v: 'b' }, bad]];
        const failed = await runSourceCli(['run', file, '--quiet'], { cwd: h.paths().dir });
        expect(failed.code).toBe(1);
        expect(failed.stderr).toContain(shown);
        expect(await loads()).toEqual([{ n: 1n }]);
      }
    });
  });
});
