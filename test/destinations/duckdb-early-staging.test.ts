import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { leavesCoreIdle } from '../../src/destinations/duckdb/duckdb-early-load.js';
import type { RunReport } from '../../src/pipeline/run-report.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { PAGED_ITEMS_PAGE, usePagedItemsApi } from '../support/paged-items-api.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * DuckDB reads the closed package files of a merge's root table into staging while the walk goes
 * on, in the transaction that the load then continues and commits. These tests watch the
 * statements: staging before the load starts, columns added and a widened column read again,
 * and a run that fails after staging leaves nothing behind.
 */

const api = usePagedItemsApi();

describe('DuckDB stages a merge root during extraction', () => {
  let dir: string;
  beforeEach(async () => {
    const temp = await makeTempDir('tributary-early-staging-');
    dir = temp.dir;
    return () => temp.cleanup();
  });
  const file = () => join(dir, 'early.duckdb');
  const read = (sql: string) => withDuckDb(file(), (q) => q(sql));

  /**
   * Runs the merge; the statements in order, with `LOAD STARTED` where the load began. `stageEarly`
   * answers whether to stage as each file closes (always, unless told otherwise).
   */
  let statements: string[] = [];
  const run = async (stageEarly: () => boolean = () => true) => {
    statements = [];
    const result = await api
      .run(
        { primary_key: 'id', write_disposition: 'merge' },
        {
          pipelineName: 'early',
          destination: new DuckDbDestination(file(), {
            onStatement: (sql) => statements.push(sql),
            stageEarly,
          }),
          workingDir: join(dir, 'work'),
          runtime: { emit: (event) => event.type === 'load_started' && statements.push('LOAD STARTED') },
        },
      )
      .then(
        (report): { report?: RunReport; error?: unknown } => ({ report }),
        (error: unknown): { report?: RunReport; error?: unknown } => ({ error }),
      );
    return { ...result, statements };
  };

  /**
   * Holds each page back (at most 5 s) until a staging statement read the file the page before
   * closed (from file `fromPart` on), or staging stopped for a re-read, so that the next page's
   * file is staged apart from it however slow DuckDB is on a busy machine. Without it the walk
   * could outrun the staging, which then read several closed files in one statement. A page's
   * rows fill more than the 300 bytes of a file.
   */
  const stagedPageByPage =
    (fromPart = 0) =>
    async (offset: number) => {
      const part = offset / PAGED_ITEMS_PAGE - 1;
      if (part < fromPart) return;
      const file = part === 0 ? 'tables/0.jsonl' : `tables/0.${part}.jsonl`;
      const until = Date.now() + 5000;
      const done = () =>
        statements.some((sql) => sql.includes(file) || sql.startsWith('DROP TABLE "early_dataset_staging"'));
      while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    };

  const beforeLoad = (statements: string[]) =>
    statements.slice(0, Math.max(0, statements.indexOf('LOAD STARTED')));

  it('reads closed files before the load starts, adds a new column, reads a widened one again', async () => {
    // Ids 0–19 come again last, with `amount` no longer whole: those copies must win.
    const served: Array<Record<string, unknown>> = Array.from({ length: 60 }, (_, i) =>
      i < 20
        ? { id: i, amount: i }
        : i < 40
          ? { id: i, amount: i, note: `n${i}` }
          : { id: i - 40, amount: i + 0.5 },
    );
    api.serve(served, { beforePage: stagedPageByPage() });
    const { report } = await run();
    expect(report).toBeDefined();
    const early = beforeLoad(statements);
    expect(
      early.filter((sql) => /^INSERT INTO "early_dataset_staging"\."items" BY NAME/.test(sql)).length,
    ).toBeGreaterThan(1);
    expect(
      early.some((sql) =>
        /^ALTER TABLE "early_dataset_staging"\."items" ADD COLUMN "note" VARCHAR/.test(sql),
      ),
    ).toBe(true);
    // `amount` was staged as BIGINT; the load reads the table again as DOUBLE from its first file.
    const reread = statements.slice(statements.indexOf('LOAD STARTED'));
    expect(reread.some((sql) => sql === 'DROP TABLE "early_dataset_staging"."items"')).toBe(true);
    expect(await read('SELECT id, amount, note FROM early_dataset.items ORDER BY id')).toEqual(
      [...served.slice(40), ...served.slice(20, 40)].map((r) => ({
        id: BigInt(r.id as number),
        amount: r.amount,
        note: r.note ?? null,
      })),
    );
    expect(
      await read("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '%staging%'"),
    ).toEqual([]);
  });

  /** The package files each statement that reads files names, in its order. */
  const reads = (list: string[]) =>
    list
      .filter((sql) => sql.includes('read_json'))
      .map((sql) => [...sql.matchAll(/tables\/(0(?:\.\d+)?)\.jsonl/g)].map((m) => m[1]));

  it('reads the files that waited while the process was busy together, in order, once it is not', async () => {
    // The third file's statement reads the two that waited; the fourth file is read on its own.
    api.serve(
      Array.from({ length: 60 }, (_, i) => ({ id: i % 30, v: i < 30 ? 'first' : 'second' })),
      { beforePage: stagedPageByPage(2) },
    );
    let asked = 0;
    // Busy as the first two files close, then not.
    const { statements } = await run(() => ++asked > 2);
    expect(reads(beforeLoad(statements)).slice(0, 2)).toEqual([['0', '0.1', '0.2'], ['0.3']]);
    expect(await read("SELECT count(*) AS n FROM early_dataset.items WHERE v = 'second'")).toEqual([
      { n: 30n },
    ]);
    expect(await read('SELECT count(*) AS n FROM early_dataset.items')).toEqual([{ n: 30n }]);
  });

  it('stops staging early when a third file waits; the load reads them all, in order, in one statement', async () => {
    api.serve(Array.from({ length: 60 }, (_, i) => ({ id: i % 30, v: i < 30 ? 'first' : 'second' })));
    let asked = 0;
    // Busy as the first three files close, quiet after: too late.
    const { statements } = await run(() => ++asked > 3);
    expect(beforeLoad(statements)).toEqual([]);
    const [all] = reads(statements.slice(statements.indexOf('LOAD STARTED')));
    expect(all?.length).toBeGreaterThan(3);
    expect(all).toEqual(['0', ...Array.from({ length: (all?.length ?? 1) - 1 }, (_, i) => `0.${i + 1}`)]);
    expect(await read("SELECT count(*) AS n FROM early_dataset.items WHERE v = 'second'")).toEqual([
      { n: 30n },
    ]);
  });

  it('leaves all reading to the load when told not to stage early, with the same rows', async () => {
    api.serve(Array.from({ length: 60 }, (_, i) => ({ id: i % 30, v: i < 30 ? 'first' : 'second' })));
    const { statements } = await run(() => false);
    expect(beforeLoad(statements)).toEqual([]);
    expect(await read("SELECT count(*) AS n FROM early_dataset.items WHERE v = 'second'")).toEqual([
      { n: 30n },
    ]);
  });

  it('a run that fails after files were staged commits nothing, and the next run loads every row', async () => {
    api.serve(Array.from({ length: 80 }, (_, i) => ({ id: i, v: `v${i}` })));
    api.failFrom(60);
    const failed = await run();
    expect(failed.error).toBeDefined();
    expect(
      beforeLoad([...failed.statements, 'LOAD STARTED']).some((sql) =>
        sql.startsWith('CREATE OR REPLACE TABLE'),
      ),
    ).toBe(true);
    expect(
      await read(
        'SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = current_database()',
      ),
    ).toEqual([]);
    api.failFrom(Number.POSITIVE_INFINITY);
    const { report } = await run();
    expect(report?.rows.items).toBe(80);
    expect(await read('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM early_dataset.items')).toEqual([
      { n: 80n, ids: 80n },
    ]);
  });
});

describe('DuckDB stages early only while the process leaves a whole core idle', () => {
  it('stages beside a walk that waits on a rate limit, not beside one that keeps 1.4 of 2 cores busy', () => {
    // CPU over wall time between two closed files, as measured: a 200/s rate-limited walk used
    // 0.5–0.6 cores, a 1,000,000-task nested walk at 20 ms latency 1.39–1.79 cores.
    expect(leavesCoreIdle(590, 1000, 2)).toBe(true);
    expect(leavesCoreIdle(1000, 1000, 2)).toBe(true);
    expect(leavesCoreIdle(1390, 1000, 2)).toBe(false);
    expect(leavesCoreIdle(1790, 1000, 2)).toBe(false);
    // On 8 cores the same walk leaves plenty idle.
    expect(leavesCoreIdle(1790, 1000, 8)).toBe(true);
    // A file that closes within a millisecond of the last is judged over one millisecond.
    expect(leavesCoreIdle(5, 0, 2)).toBe(false);
  });
});
