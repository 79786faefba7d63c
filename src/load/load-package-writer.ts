import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TributaryError } from '../errors/tributary-error.js';
import type { StoredSchema, TableSchema } from '../schema/schema-types.js';
import {
  type LoadPackage,
  type PackageManifest,
  type PackageTable,
  packageStorageError,
  packagesDir,
  rowLines,
} from './load-package.js';

/** A table file of a package that is closed and will not change: a destination may read it now. */
export interface PackagePart {
  table: string;
  /** The file, relative to the package folder (as the manifest names it). */
  file: string;
  /** Where the file is now (the package folder moves when it is committed). */
  path: string;
  rows: number;
  /** The table's schema as its rows were written: every column of the file is in it. */
  schema: TableSchema | undefined;
}

export interface LoadPackageWriterOptions {
  /** A table's file is closed, and the next rows go to a new one, once it holds this many bytes. */
  partBytes?: number;
  /** Told of each file closed before the commit (the last file of each table is not). */
  onPart?: (part: PackagePart) => void;
}

/**
 * Bytes after which a table's file is closed and a new one started: small enough that a
 * destination can load the closed ones while extraction goes on, large enough that a load reads
 * a few files per table, not hundreds.
 */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

interface TableFiles {
  index: number;
  files: string[];
  rows: number;
  stream: WriteStream | undefined;
  partRows: number;
  partBytes: number;
  schema: TableSchema | undefined;
}

/**
 * Writes one load package: normalized rows as JSON lines per table under `load/new/<load_id>`,
 * then schema and manifest, then one rename into `load/normalized/` — so a half-written package
 * is never taken for a whole one (dlt's model, reference §6.1). A table's rows go to one file
 * until it holds `partBytes`, then to the next.
 */
export class LoadPackageWriter {
  readonly #dir: string;
  readonly #tables = new Map<string, TableFiles>();
  readonly #workingDir: string;
  readonly #partBytes: number;
  readonly #onPart: ((part: PackagePart) => void) | undefined;
  /** The first write that failed: every later write and the commit fail with it. */
  #failure: TributaryError | undefined;
  readonly loadId: string;

  private constructor(workingDir: string, loadId: string, options: LoadPackageWriterOptions) {
    this.#workingDir = workingDir;
    this.loadId = loadId;
    this.#dir = join(packagesDir(workingDir, 'new'), loadId);
    this.#partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    this.#onPart = options.onPart;
  }

  static async create(
    workingDir: string,
    loadId: string,
    options: LoadPackageWriterOptions = {},
  ): Promise<LoadPackageWriter> {
    const writer = new LoadPackageWriter(workingDir, loadId, options);
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

  /**
   * Appends `rows` rows of one table already written as JSON lines ({@link rowLines}), text or
   * UTF-8. `schema`, when given, is the table's schema after these rows (sent when it changed).
   */
  async writeLines(
    table: string,
    lines: string | Uint8Array,
    rows: number,
    schema?: TableSchema,
  ): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (rows === 0) return;
    let entry = this.#tables.get(table);
    if (entry === undefined) {
      entry = {
        index: this.#tables.size,
        files: [],
        rows: 0,
        stream: undefined,
        partRows: 0,
        partBytes: 0,
        schema,
      };
      this.#tables.set(table, entry);
    }
    if (schema !== undefined) entry.schema = schema;
    const stream = entry.stream ?? this.#open(entry);
    entry.rows += rows;
    entry.partRows += rows;
    entry.partBytes += lines.length;
    if (!stream.write(lines)) await this.#drained(stream);
    if (this.#failure) throw this.#failure;
    if (entry.partBytes >= this.#partBytes) await this.#closePart(table, entry);
  }

  #open(entry: TableFiles): WriteStream {
    const part = entry.files.length;
    const file = part === 0 ? `tables/${entry.index}.jsonl` : `tables/${entry.index}.${part}.jsonl`;
    const stream = createWriteStream(join(this.#dir, file));
    // A failed write (ENOSPC, EFBIG) is an 'error' event: without a listener it would end the process.
    stream.on('error', (error) => this.#fail(error));
    entry.files.push(file);
    entry.stream = stream;
    entry.partRows = 0;
    entry.partBytes = 0;
    return stream;
  }

  /** Closes a table's current file; once it is on disk, `onPart` hears of it. */
  async #closePart(table: string, entry: TableFiles): Promise<void> {
    const stream = entry.stream;
    if (stream === undefined) return;
    entry.stream = undefined;
    await this.#ended(stream);
    const file = entry.files.at(-1) as string;
    this.#onPart?.({ table, file, path: join(this.#dir, file), rows: entry.partRows, schema: entry.schema });
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

  /** Ends a file; rejects with the stream's failure once it is closed. */
  #ended(stream: WriteStream): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (stream.destroyed) {
        if (stream.errored) reject(this.#fail(stream.errored));
        else resolve();
        return;
      }
      stream.once('close', () => (stream.errored ? reject(this.#fail(stream.errored)) : resolve()));
      stream.end();
    });
  }

  /** Ends every table file; rejects with the first failure, once every file is closed. */
  async #closeStreams(): Promise<void> {
    const streams = [...this.#tables.values()].flatMap(({ stream }) => (stream ? [stream] : []));
    const results = await Promise.allSettled(streams.map((stream) => this.#ended(stream)));
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
        tables: [...this.#tables].map(([name, { files, rows }]): PackageTable => {
          const [file] = files as [string];
          return files.length > 1 ? { name, file, rows, files } : { name, file, rows };
        }),
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
