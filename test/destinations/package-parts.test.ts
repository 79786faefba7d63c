import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PackageManifest } from '../../src/load/load-package.js';
import { usePagedItemsApi } from '../support/paged-items-api.js';
import { DESTINATION_TARGETS, type TestDataset } from './destination-targets.js';

/**
 * A package writes a table's rows to a new file every `packagePartBytes`, and DuckDB stages the
 * closed files of a merge's root while the walk goes on. Every destination loads such a package
 * with the same rows as from one file: the files' order is the load order, so the last copy of a
 * key still wins, and columns that appear, or widen, in a later file keep every value.
 */

const api = usePagedItemsApi();

for (const target of DESTINATION_TARGETS) {
  describe.skipIf(target.skipReason !== undefined)(
    `a package in several files per table: ${target.name}`,
    () => {
      let ds: TestDataset;
      beforeEach(async () => {
        ds = await target.create();
        return () => ds.cleanup();
      });
      const work = () => join(ds.dir, 'work');
      /** A merge where the destination has it (DuckDB then stages early), else an append. */
      const disposition = () =>
        ds.destination().capabilities.supportsMerge
          ? { primary_key: 'id', write_disposition: 'merge' }
          : { write_disposition: 'append' };
      const run = () =>
        api.run(disposition(), {
          pipelineName: 'parts',
          datasetName: ds.dataset,
          destination: ds.destination(),
          workingDir: work(),
        });
      /** The files the last loaded package held for `table`. */
      const packageFiles = async (table: string) => {
        const loaded = join(work(), 'load', 'loaded');
        const [last] = (await readdir(loaded)).sort().reverse();
        const manifest = JSON.parse(
          await readFile(join(loaded, last as string, 'manifest.json'), 'utf8'),
        ) as PackageManifest;
        const entry = manifest.tables.find((t) => t.name === table);
        return entry?.files ?? (entry ? [entry.file] : []);
      };
      const rows = (table: string, select: string, order: string) =>
        ds.query(`SELECT ${select} FROM ${ds.table(table)} ORDER BY ${order}`);

      it('keeps the last copy of a key served in an earlier file, with its nested rows only', async () => {
        const merges = ds.destination().capabilities.supportsMerge;
        // Ids 0–19 twice: the second copies, 20 records later, are in later files.
        const served = Array.from({ length: 40 }, (_, i) => ({
          id: i % 20,
          v: i < 20 ? 'early' : 'late',
          tags: [`t${i}`],
        }));
        api.serve(served);
        await run();
        expect((await packageFiles('items')).length).toBeGreaterThan(3);
        const items = await rows('items', 'id, v', 'id, v');
        const expected = Array.from({ length: 20 }, (_, id) => [
          ...(merges ? [] : [{ id, v: 'early' }]),
          { id, v: 'late' },
        ]).flat();
        expect(items).toEqual(expected);
        const tags = await rows('items__tags', 'value', 'value');
        expect(tags.map((t) => t.value).sort()).toEqual(
          (merges ? served.slice(20) : served).map((r) => r.tags[0]).sort(),
        );
      });

      it('keeps every value of a column that appears, and one that widens to double, in a later file', async () => {
        const served: Array<Record<string, unknown>> = Array.from({ length: 40 }, (_, i) =>
          i < 20 ? { id: i, amount: i } : { id: i, amount: i + 0.5, note: `n${i}` },
        );
        api.serve(served);
        await run();
        expect((await packageFiles('items')).length).toBeGreaterThan(3);
        expect((await ds.columnTypes('items')).amount).toBe(target.types.double);
        expect(await rows('items', 'id, amount, note', 'id')).toEqual(
          served.map((r) => ({ id: r.id, amount: r.amount, note: r.note ?? null })),
        );
      });
    },
  );
}
