import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '../errors/tributary-error.js';
import { stringifyExact } from '../normalize/exact-json.js';
import type { StoredSchema } from '../schema/schema-types.js';
import type { PipelineState } from './pipeline-state.js';
import { storageError } from './storage-error.js';

/** What a load package holds, written last so that a package with a manifest is whole. */
export interface PackageManifest {
  loadId: string;
  pipelineName: string;
  schemaName: string;
  createdAt: string;
  /** Tables in the order they were first written; file names are table-independent. */
  tables: PackageTable[];
  /** Root tables whose resource ran in this package, with their child tables cleared on replace. */
  rootTables: string[];
  /** The pipeline state to commit with the data, when it changed. */
  state: PipelineState | undefined;
  /** Tables to drop in the same transaction (`tributary pipeline <name> drop`). */
  dropTables?: string[];
}

/** One table of a package: its rows in one file, or in several (`files`, in write order). */
export interface PackageTable {
  name: string;
  /** The first (often the only) file, relative to the package folder. */
  file: string;
  rows: number;
  /** Every file of the table in write order, when there is more than one (`file` is the first). */
  files?: string[];
}

/** A table's files in write order, relative to the package folder. */
export function tableFiles(table: PackageTable): string[] {
  return table.files ?? [table.file];
}

/**
 * Fails a load whose destination read other than the rows the manifest counts for a table (a
 * damaged package), before any SQL uses them.
 */
export function checkPackageRows(table: PackageTable, rows: number): void {
  if (rows === table.rows) return;
  const [files, hold] = tableFiles(table).length > 1 ? ['files', 'hold'] : ['file', 'holds'];
  throw new TributaryError(
    'DESTINATION',
    `the package ${files} of table ${table.name} ${hold} ${rows} rows where its manifest says ${table.rows}; the package is damaged`,
    { context: { table: table.name } },
  );
}

/** A table's files in write order, as paths under the package folder `dir`. */
export function tableFilePaths(dir: string, table: PackageTable): string[] {
  return tableFiles(table).map((file) => join(dir, file));
}

export interface LoadPackage {
  dir: string;
  manifest: PackageManifest;
  schema: StoredSchema;
}

/**
 * One row as a JSON line. `JSON.stringify` is several times faster than a hand-written walk but
 * refuses bigints; only rows that hold one take the exact (slower) path.
 */
function rowLine(row: Record<string, unknown>): string {
  try {
    return JSON.stringify(row);
  } catch {
    return stringifyExact(row);
  }
}

/** JSON.stringify writes no whitespace: two rows of an array are joined by exactly this. */
const ROW_JOINT = '},{';

/**
 * Rows as the JSON lines of a package table file, each line ending with a newline.
 *
 * The batch is written by one `JSON.stringify` (a third faster than one call per row) and cut at
 * the joints between rows. That is exact only when the text holds no other `},{` — inside a string
 * or a nested value — so the joints are counted first, and a batch with more than `rows - 1` of
 * them (or a bigint) is written row by row instead.
 */
export function rowLines(rows: Array<Record<string, unknown>>): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(rows);
  } catch {
    // A bigint: the rows are written one by one below.
  }
  if (text !== undefined) {
    let joints = 0;
    for (
      let at = text.indexOf(ROW_JOINT);
      at !== -1 && joints < rows.length;
      at = text.indexOf(ROW_JOINT, at + 3)
    ) {
      joints++;
    }
    if (joints === rows.length - 1) return `${text.slice(1, -1).replaceAll(ROW_JOINT, '}\n{')}\n`;
  }
  return `${rows.map(rowLine).join('\n')}\n`;
}

export function packagesDir(workingDir: string, stage: 'new' | 'normalized' | 'loaded'): string {
  return join(workingDir, 'load', stage);
}

/** A package that could not be written (disk full, file size limit, permissions) as a clear error. */
export function packageStorageError(dir: string, cause: unknown): TributaryError {
  return storageError(
    `could not write the load package under ${dir}`,
    'the package was discarded and nothing of this run was loaded',
    cause,
  );
}

/** Drops packages a killed run left half-written under `load/new` (never loaded: they have no manifest). */
export async function discardUnfinishedPackages(workingDir: string): Promise<void> {
  const dir = packagesDir(workingDir, 'new');
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}

/** Packages that were normalized but not loaded yet, oldest first. */
export async function pendingPackages(workingDir: string): Promise<LoadPackage[]> {
  const dir = packagesDir(workingDir, 'normalized');
  const names = await readdir(dir).catch(() => [] as string[]);
  const packages: LoadPackage[] = [];
  for (const name of names.sort()) {
    const packageDir = join(dir, name);
    const read = async <T>(file: string): Promise<T> => {
      try {
        return JSON.parse(await readFile(join(packageDir, file), 'utf8')) as T;
      } catch (cause) {
        // Only a disk fault or a hand edit gets here (a package is renamed into place whole), and it
        // would block every later run, which finishes pending packages first.
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new TributaryError(
          'PENDING_PACKAGES',
          `the pending load package ${packageDir} is damaged (${file}: ${reason}); drop it with \`tributary pipeline <name> drop-pending\` (its data is extracted again from the last committed state) and run again`,
          { cause },
        );
      }
    };
    packages.push({
      dir: packageDir,
      manifest: await read<PackageManifest>('manifest.json'),
      schema: await read<StoredSchema>('schema.json'),
    });
  }
  return packages;
}

/** After a committed load: the package is moved to `loaded` (the newest few are kept for `trace`). */
export async function markLoaded(workingDir: string, pkg: LoadPackage, keep = 3): Promise<void> {
  const loadedDir = packagesDir(workingDir, 'loaded');
  await mkdir(loadedDir, { recursive: true });
  await rename(pkg.dir, join(loadedDir, pkg.manifest.loadId));
  const old = (await readdir(loadedDir)).sort().slice(0, -keep);
  await Promise.all(old.map((name) => rm(join(loadedDir, name), { recursive: true, force: true })));
}
