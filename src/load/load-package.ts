import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  tables: Array<{ name: string; file: string; rows: number }>;
  /** Root tables whose resource ran in this package, with their child tables cleared on replace. */
  rootTables: string[];
  /** The pipeline state to commit with the data, when it changed. */
  state: PipelineState | undefined;
  /** Tables to drop in the same transaction (`tributary pipeline <name> drop`). */
  dropTables?: string[];
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

function packagesDir(workingDir: string, stage: 'new' | 'normalized' | 'loaded'): string {
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

/**
 * Writes one load package: normalized rows as JSON lines per table under `load/new/<load_id>`,
 * then schema and manifest, then one rename into `load/normalized/` — so a half-written package
 * is never taken for a whole one (dlt's model, reference §6.1).
 */
export class LoadPackageWriter {
  readonly #dir: string;
  readonly #streams = new Map<string, { stream: WriteStream; file: string; rows: number }>();
  readonly #workingDir: string;
  /** The first write that failed: every later write and the commit fail with it. */
  #failure: TributaryError | undefined;
  readonly loadId: string;

  private constructor(workingDir: string, loadId: string) {
    this.#workingDir = workingDir;
    this.loadId = loadId;
    this.#dir = join(packagesDir(workingDir, 'new'), loadId);
  }

  static async create(workingDir: string, loadId: string): Promise<LoadPackageWriter> {
    const writer = new LoadPackageWriter(workingDir, loadId);
    try {
      await rm(writer.#dir, { recursive: true, force: true });
      await mkdir(join(writer.#dir, 'tables'), { recursive: true });
    } catch (cause) {
      await rm(writer.#dir, { recursive: true, force: true }).catch(() => {});
      throw packageStorageError(writer.#dir, cause);
    }
    return writer;
  }

  #fail(cause: unknown): TributaryError {
    this.#failure ??= packageStorageError(this.#dir, cause);
    return this.#failure;
  }

  /** Appends rows of one table; resolves when the stream can take more (back-pressure). */
  async write(table: string, rows: Array<Record<string, unknown>>): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (rows.length > 0) await this.writeLines(table, rowLines(rows), rows.length);
  }

  /** Appends `rows` rows of one table already written as JSON lines ({@link rowLines}), text or UTF-8. */
  async writeLines(table: string, lines: string | Uint8Array, rows: number): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (rows === 0) return;
    let entry = this.#streams.get(table);
    if (entry === undefined) {
      const file = `tables/${this.#streams.size}.jsonl`;
      const stream = createWriteStream(join(this.#dir, file));
      // A failed write (ENOSPC, EFBIG) is an 'error' event: without a listener it would end the process.
      stream.on('error', (error) => this.#fail(error));
      entry = { stream, file, rows: 0 };
      this.#streams.set(table, entry);
    }
    entry.rows += rows;
    if (!entry.stream.write(lines)) await this.#drained(entry.stream);
    if (this.#failure) throw this.#failure;
  }

  /** Waits for a full stream to drain; rejects when it fails instead (it then never drains). */
  #drained(stream: WriteStream): Promise<void> {
    if (stream.destroyed) return Promise.reject(this.#fail(stream.errored ?? new Error('stream closed')));
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        if (error === undefined) resolve();
        else reject(this.#fail(error));
      };
      const onDrain = () => settle();
      // 'close' follows 'error' (autoDestroy), and also ends a stream destroyed without one.
      const onClose = () => settle(stream.errored ?? new Error('stream closed'));
      stream.on('drain', onDrain);
      stream.on('close', onClose);
    });
  }

  /** Ends every table file; rejects with the first failure, once every file is closed. */
  async #closeStreams(): Promise<void> {
    const results = await Promise.allSettled(
      [...this.#streams.values()].map(
        ({ stream }) =>
          new Promise<void>((resolve, reject) => {
            if (stream.destroyed) {
              if (stream.errored) reject(this.#fail(stream.errored));
              else resolve();
              return;
            }
            stream.once('close', () => (stream.errored ? reject(this.#fail(stream.errored)) : resolve()));
            stream.end();
          }),
      ),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed || this.#failure) throw this.#failure ?? (failed as PromiseRejectedResult).reason;
  }

  /**
   * Closes the files and moves the package to `normalized`, ready to load. The manifest is written
   * only after every table file closed without an error, and the move is one rename: a package under
   * `normalized` is whole. When anything fails the package is discarded and a clear error thrown.
   */
  async commit(meta: Omit<PackageManifest, 'tables' | 'loadId'>, schema: StoredSchema): Promise<LoadPackage> {
    try {
      await this.#closeStreams();
      const manifest: PackageManifest = {
        ...meta,
        loadId: this.loadId,
        tables: [...this.#streams].map(([name, { file, rows }]) => ({ name, file, rows })),
      };
      await writeFile(join(this.#dir, 'schema.json'), JSON.stringify(schema, null, 2));
      await writeFile(join(this.#dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
      const target = join(packagesDir(this.#workingDir, 'normalized'), this.loadId);
      await mkdir(packagesDir(this.#workingDir, 'normalized'), { recursive: true });
      await rename(this.#dir, target);
      return { dir: target, manifest, schema };
    } catch (cause) {
      const error = this.#fail(cause);
      await this.discard().catch(() => {});
      throw error;
    }
  }

  /** Drops a package that will not be loaded (the run failed before it was whole). */
  async discard(): Promise<void> {
    await this.#closeStreams().catch(() => {});
    await rm(this.#dir, { recursive: true, force: true });
  }
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
