import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../src/config/rest-api-source.js';
import { DuckDbDestination } from '../src/destinations/duckdb/duckdb-destination.js';
import type { TributaryError } from '../src/errors/tributary-error.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import type { ContractMode } from '../src/schema/schema-contract.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from './support/recording-server.js';
import { makeTempDir } from './support/temp-dir.js';

/** Records served by the next run, per endpoint. */
let pages: Record<string, unknown[]> = {};

describe('schema contracts', () => {
  let server: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const run = (contract: ContractMode | Record<string, ContractMode>, resources = ['items']) =>
    runPipeline(
      restApiSource({
        client: { base_url: server.url, paginator: 'single_page' },
        resources: resources.map((name) => ({
          name,
          endpoint: { path: name, data_selector: '$' },
          schema_contract: contract,
        })),
      }),
      {
        pipelineName: 'contracts',
        destination: new DuckDbDestination(join(temp.dir, 'c.duckdb')),
        workingDir: join(temp.dir, 'w'),
      },
    );
  const rows = (table: string) =>
    withDuckDb(join(temp.dir, 'c.duckdb'), (q) =>
      q(`SELECT * EXCLUDE (_dlt_load_id, _dlt_id) FROM contracts_dataset.${table} ORDER BY id`),
    );
  const tables = () =>
    withDuckDb(join(temp.dir, 'c.duckdb'), async (q) =>
      (
        await q(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'contracts_dataset' AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1`,
        )
      ).map((r) => r.table_name),
    );

  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': () => ({ body: pages.items ?? [] }),
      'GET /other': () => ({ body: pages.other ?? [] }),
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    // The first load settles the table `items` with columns id and name.
    pages = { items: [{ id: 1, name: 'a' }] };
    await run('evolve');
    return temp.cleanup;
  });

  describe('columns (a new column on a table that already has data)', () => {
    const next = () => {
      pages = {
        items: [
          { id: 2, name: 'b', extra: 'x' },
          { id: 3, name: 'c' },
        ],
      };
    };
    it('evolve adds the column', async () => {
      next();
      await run({ columns: 'evolve' });
      expect(await rows('items')).toEqual([
        { id: 1n, name: 'a', extra: null },
        { id: 2n, name: 'b', extra: 'x' },
        { id: 3n, name: 'c', extra: null },
      ]);
    });
    it('freeze fails the run naming the column, and loads nothing', async () => {
      next();
      const error = (await run({ columns: 'freeze' }).catch((e: unknown) => e)) as TributaryError;
      expect(error.code).toBe('SCHEMA_CONTRACT');
      expect(error.message).toContain(
        'new column items.extra is not allowed (schema_contract columns: freeze)',
      );
      expect(await rows('items')).toEqual([{ id: 1n, name: 'a' }]);
    });
    it('discard_row drops the rows that bring the column', async () => {
      next();
      await run({ columns: 'discard_row' });
      expect(await rows('items')).toEqual([
        { id: 1n, name: 'a' },
        { id: 3n, name: 'c' },
      ]);
    });
    it('discard_value drops only the new field', async () => {
      next();
      await run({ columns: 'discard_value' });
      expect(await rows('items')).toEqual([
        { id: 1n, name: 'a' },
        { id: 2n, name: 'b' },
        { id: 3n, name: 'c' },
      ]);
    });
  });

  describe('data_type (a value that does not fit its column)', () => {
    it('evolve keeps the value in a variant column', async () => {
      pages = { items: [{ id: 2, flag: true }] };
      await run('evolve');
      pages = { items: [{ id: 3, flag: 'not a bool' }] };
      await run({ data_type: 'evolve' });
      expect((await rows('items')).at(-1)).toEqual({
        id: 3n,
        name: null,
        flag: null,
        flag__v_text: 'not a bool',
      });
    });
    it('freeze fails on a value that needs a variant column', async () => {
      pages = { items: [{ id: 2, flag: true }] };
      await run('evolve');
      pages = { items: [{ id: 3, flag: 'not a bool' }] };
      const error = (await run({ data_type: 'freeze' }).catch((e: unknown) => e)) as TributaryError;
      expect(error.message).toContain(
        'a value of another type for items.flag is not allowed (schema_contract data_type: freeze)',
      );
    });
    it('discard_row drops the row with the misfit value', async () => {
      pages = { items: [{ id: 2, flag: true }] };
      await run('evolve');
      pages = {
        items: [
          { id: 3, flag: 'not a bool' },
          { id: 4, flag: false },
        ],
      };
      await run({ data_type: 'discard_row' });
      expect((await rows('items')).map((r) => r.id)).toEqual([1n, 2n, 4n]);
    });
    it('discard_value keeps the row without the misfit value', async () => {
      pages = { items: [{ id: 2, flag: true }] };
      await run('evolve');
      pages = { items: [{ id: 3, flag: 'not a bool' }] };
      await run({ data_type: 'discard_value' });
      expect((await rows('items')).at(-1)).toEqual({ id: 3n, name: null, flag: null });
    });
    it('keeps its nested rows out when a row is discarded', async () => {
      pages = { items: [{ id: 2, name: 'b', tags: ['t1'] }] };
      await run('evolve');
      pages = { items: [{ id: 3, name: 'c', tags: ['t2'], extra: 1 }] };
      await run({ columns: 'discard_row' });
      const tags = await withDuckDb(join(temp.dir, 'c.duckdb'), (q) =>
        q('SELECT value FROM contracts_dataset.items__tags ORDER BY value'),
      );
      expect(tags).toEqual([{ value: 't1' }]);
    });
  });

  describe('tables (a table with no data yet)', () => {
    it('evolve creates the table', async () => {
      pages = { other: [{ id: 1 }] };
      await run('evolve', ['items', 'other']);
      expect(await tables()).toEqual(['items', 'other']);
    });
    it('freeze fails on the new table', async () => {
      pages = { other: [{ id: 1 }] };
      const error = (await run({ tables: 'freeze' }, ['items', 'other']).catch(
        (e: unknown) => e,
      )) as TributaryError;
      expect(error.message).toContain('new table other is not allowed (schema_contract tables: freeze)');
      expect(await tables()).toEqual(['items']);
    });
    it('discard_row and discard_value drop the rows of the new table, while existing tables load', async () => {
      for (const mode of ['discard_row', 'discard_value'] as const) {
        pages = { items: [{ id: 9, name: 'z' }], other: [{ id: 1 }] };
        await run({ tables: mode }, ['items', 'other']);
        expect(await tables()).toEqual(['items']);
      }
      expect((await rows('items')).map((r) => r.id)).toEqual([1n, 9n, 9n]);
    });
  });
});
