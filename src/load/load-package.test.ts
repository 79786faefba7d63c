import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError } from '../errors/tributary-error.js';
import { emptySchema } from '../schema/schema-version.js';
import {
  type PackageTable,
  packageStorageError,
  pendingPackages,
  rowLines,
  tableFilePaths,
} from './load-package.js';
import { LoadPackageWriter, type PackagePart } from './load-package-writer.js';

const META = {
  pipelineName: 'p',
  schemaName: 's',
  createdAt: '2024-01-01T00:00:00.000Z',
  rootTables: ['items'],
  state: undefined,
};

describe('load package writer', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'tributary-package-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('commits a whole package that pendingPackages reads back', async () => {
    const writer = await LoadPackageWriter.create(work, '1.1');
    await writer.write('items', [{ id: 1 }, { id: 2 }]);
    await writer.commit(META, emptySchema('s'));
    const [pkg] = await pendingPackages(work);
    expect(pkg?.manifest.tables).toEqual([{ name: 'items', file: 'tables/0.jsonl', rows: 2 }]);
    expect(await readdir(join(work, 'load', 'new'))).toEqual([]);
  });

  it('starts a new file for a table once its file holds partBytes, and tells of each closed one with its schema', async () => {
    const parts: PackagePart[] = [];
    const writer = await LoadPackageWriter.create(work, '1.4', {
      partBytes: 20,
      onPart: (part) => parts.push(part),
    });
    const table = (columns: string[]) => ({
      name: 'items',
      columns: Object.fromEntries(columns.map((name) => [name, { name, data_type: 'bigint' as const }])),
    });
    await writer.writeLines('items', '{"id":1}\n{"id":2}\n', 2, table(['id']));
    await writer.writeLines('other', '{"x":1}\n', 1);
    await writer.writeLines('items', '{"id":3,"n":1}\n', 1, table(['id', 'n']));
    await writer.writeLines('items', '{"id":4}\n', 1);
    // The first items file closed at 18 + 15 bytes, when the second batch had the column `n`.
    expect(parts.map(({ table, file, rows }) => ({ table, file, rows }))).toEqual([
      { table: 'items', file: 'tables/0.jsonl', rows: 3 },
    ]);
    expect(Object.keys(parts[0]?.schema?.columns ?? {})).toEqual(['id', 'n']);
    expect(parts[0]?.path).toBe(join(work, 'load', 'new', '1.4', 'tables', '0.jsonl'));
    const pkg = await writer.commit(META, emptySchema('s'));
    expect(pkg.manifest.tables).toEqual([
      { name: 'items', file: 'tables/0.jsonl', rows: 4, files: ['tables/0.jsonl', 'tables/0.1.jsonl'] },
      { name: 'other', file: 'tables/1.jsonl', rows: 1 },
    ]);
    // The files closed at the commit are not told of: the load reads them.
    expect(parts).toHaveLength(1);
    const texts = await Promise.all(
      tableFilePaths(pkg.dir, pkg.manifest.tables[0] as PackageTable).map((path) => readFile(path, 'utf8')),
    );
    expect(texts).toEqual(['{"id":1}\n{"id":2}\n{"id":3,"n":1}\n', '{"id":4}\n']);
  });

  it('turns a failed file write into a WORKING_DIR error, never a crash, and leaves no package to load', async () => {
    const writer = await LoadPackageWriter.create(work, '1.2');
    // The folder vanishing under the writer fails the file's open as a full disk fails its writes:
    // with an 'error' event on the stream.
    await rm(join(work, 'load', 'new', '1.2'), { recursive: true });
    const failed = await writer
      .write('items', [{ id: 1 }])
      .then(() => writer.write('items', [{ id: 2 }]))
      .then(() => writer.commit(META, emptySchema('s')))
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TributaryError);
    expect((failed as TributaryError).code).toBe('WORKING_DIR');
    expect((failed as TributaryError).message).toMatch(
      /^could not write the load package under .*1\.2: ENOENT: .*; the package was discarded and nothing of this run was loaded/,
    );
    expect(await pendingPackages(work)).toEqual([]);
    expect(existsSync(join(work, 'load', 'new', '1.2'))).toBe(false);
  });

  it('says which pending package is damaged and how to get past it, instead of a bare JSON error', async () => {
    const writer = await LoadPackageWriter.create(work, '1.3');
    await writer.write('items', [{ id: 1 }]);
    const pkg = await writer.commit(META, emptySchema('s'));
    await writeFile(join(pkg.dir, 'manifest.json'), '{"loadId": "1.3", "tab');
    const error = (await pendingPackages(work).catch((e: unknown) => e)) as TributaryError;
    expect(error.code).toBe('PENDING_PACKAGES');
    expect(error.message).toContain(`the pending load package ${pkg.dir} is damaged (manifest.json: `);
    expect(error.message).toContain('drop-pending');
  });

  it('names a full disk and a file size limit in words, and says what to do', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const efbig = Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG' });
    expect(packageStorageError('/w/load/new/1', enospc).message).toBe(
      'could not write the load package under /w/load/new/1: no space left on the device (ENOSPC); the package was discarded and nothing of this run was loaded — free space there (or point TRIBUTARY_HOME at another disk) and run again',
    );
    expect(packageStorageError('/w/load/new/1', enospc).retryable).toBe(true);
    expect(packageStorageError('/w/load/new/1', efbig).message).toContain(
      'file too large (over the file size limit, `ulimit -f`) (EFBIG); the package was discarded and nothing of this run was loaded — raise the file size limit and run again',
    );
    expect(packageStorageError('/w/load/new/1', efbig).retryable).toBe(false);
  });
});

describe('rowLines', () => {
  const oneByOne = (rows: Array<Record<string, unknown>>) =>
    `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;

  it('writes one line per row, whatever the values hold', () => {
    const cases: Array<Array<Record<string, unknown>>> = [
      [{ id: 1 }],
      [{ id: 1 }, { id: 2, name: 'b' }, {}],
      // Text that looks like a joint, inside a string and inside a nested value.
      [{ id: 1, note: 'a},{b' }, { id: 2 }],
      [
        { id: 1, doc: [{ a: 1 }, { b: 2 }] },
        { id: 2, doc: { x: [{}, {}] } },
      ],
      [{}, {}, {}],
      [
        { s: 'line\nbreak', q: '"}' },
        { u: 'ünï 🚀', n: null, f: 1.5, b: true },
      ],
    ];
    for (const rows of cases) {
      const lines = rowLines(rows);
      expect(lines).toBe(oneByOne(rows));
      expect(
        lines
          .split('\n')
          .slice(0, -1)
          .map((line) => JSON.parse(line)),
      ).toEqual(rows);
    }
  });

  it('writes a batch holding a bigint exactly, row by row', () => {
    const lines = rowLines([{ id: 9007199254740993n }, { id: 2 }]);
    expect(lines).toBe('{"id":9007199254740993}\n{"id":2}\n');
  });
});
