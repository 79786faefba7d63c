import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyExact } from '../normalize/exact-json.js';
import type { StoredSchema } from '../schema/schema-types.js';
import type { PipelineState } from './pipeline-state.js';

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

function packagesDir(workingDir: string, stage: 'new' | 'normalized' | 'loaded'): string {
  return join(workingDir, 'load', stage);
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
  readonly loadId: string;

  private constructor(workingDir: string, loadId: string) {
    this.#workingDir = workingDir;
    this.loadId = loadId;
    this.#dir = join(packagesDir(workingDir, 'new'), loadId);
  }

  static async create(workingDir: string, loadId: string): Promise<LoadPackageWriter> {
    const writer = new LoadPackageWriter(workingDir, loadId);
    await rm(writer.#dir, { recursive: true, force: true });
    await mkdir(join(writer.#dir, 'tables'), { recursive: true });
    return writer;
  }

  /** Appends rows of one table; resolves when the stream can take more (back-pressure). */
  async write(table: string, rows: Array<Record<string, unknown>>): Promise<void> {
    if (rows.length === 0) return;
    let entry = this.#streams.get(table);
    if (entry === undefined) {
      const file = `tables/${this.#streams.size}.jsonl`;
      entry = { stream: createWriteStream(join(this.#dir, file)), file, rows: 0 };
      this.#streams.set(table, entry);
    }
    const text = `${rows.map(rowLine).join('\n')}\n`;
    entry.rows += rows.length;
    if (!entry.stream.write(text)) {
      await new Promise<void>((resolve) => entry.stream.once('drain', resolve));
    }
  }

  async #closeStreams(): Promise<void> {
    await Promise.all(
      [...this.#streams.values()].map(
        ({ stream }) =>
          new Promise<void>((resolve, reject) => {
            stream.once('error', reject);
            stream.end(resolve);
          }),
      ),
    );
  }

  /** Closes the files and moves the package to `normalized`, ready to load. */
  async commit(meta: Omit<PackageManifest, 'tables' | 'loadId'>, schema: StoredSchema): Promise<LoadPackage> {
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
    const manifest = JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')) as PackageManifest;
    const schema = JSON.parse(await readFile(join(packageDir, 'schema.json'), 'utf8')) as StoredSchema;
    packages.push({ dir: packageDir, manifest, schema });
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
