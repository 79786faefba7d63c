import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Destination } from '../destinations/destination.js';
import { TributaryError } from '../errors/tributary-error.js';
import {
  discardUnfinishedPackages,
  type LoadPackage,
  markLoaded,
  pendingPackages,
} from '../load/load-package.js';
import { acquirePipelineLock } from '../load/pipeline-lock.js';
import { type PipelineState, readLocalState, writeLocalState } from '../load/pipeline-state.js';
import { createNaming } from '../normalize/naming.js';
import type { Runtime } from '../runtime/runtime.js';
import type { StoredSchema } from '../schema/schema-types.js';
import { emptySchema } from '../schema/schema-version.js';
import { releaseHeapBeforeLoad } from './heap-release.js';
import { pipelineWorkingDir } from './working-dir.js';

export async function readLocalSchema(workingDir: string, name: string): Promise<StoredSchema | undefined> {
  try {
    return JSON.parse(
      await readFile(join(workingDir, 'schemas', `${name}.schema.json`), 'utf8'),
    ) as StoredSchema;
  } catch {
    return undefined;
  }
}

export async function writeLocalSchema(workingDir: string, schema: StoredSchema): Promise<void> {
  const dir = join(workingDir, 'schemas');
  await mkdir(dir, { recursive: true });
  const target = join(dir, `${schema.name}.schema.json`);
  await writeFile(`${target}.tmp`, JSON.stringify(schema, null, 2));
  await rename(`${target}.tmp`, target);
}

/** The newer of the local copy and the destination's (dlt restores from the destination when newer). */
function newer<T>(local: T | undefined, remote: T | undefined, version: (t: T) => number): T | undefined {
  if (local === undefined) return remote;
  if (remote === undefined) return local;
  return version(remote) > version(local) ? remote : local;
}

const LOAD_ATTEMPTS = 3;

/** The dataset's name as the destination keeps it: given, or `<pipeline_name>_dataset`, normalized. */
export function datasetIdentifier(
  pipelineName: string,
  datasetName: string | undefined,
  destination: Destination,
): string {
  return createNaming(destination.capabilities.maxIdentifierLength).normalizeIdentifier(
    datasetName ?? `${pipelineName}_dataset`,
  );
}

export interface SessionOptions {
  pipelineName: string;
  datasetName?: string;
  destination: Destination;
  workingDir?: string;
  runtime: Runtime;
}

/**
 * A pipeline held for one command: its working folder locked, its destination open, its pending
 * packages loadable. `run`, `drop` and `sync` all work through a session, so that every change to
 * a dataset goes through the same one-transaction load.
 */
export class PipelineSession {
  readonly pipelineName: string;
  readonly dataset: string;
  readonly workingDir: string;
  readonly destination: Destination;
  readonly runtime: Runtime;
  /** Rows written per table by the loads of this session. */
  readonly rows: Record<string, number> = {};
  readonly loadIds: string[] = [];
  #release: (() => Promise<void>) | undefined;

  private constructor(options: SessionOptions) {
    this.pipelineName = options.pipelineName;
    this.destination = options.destination;
    this.runtime = options.runtime;
    this.dataset = datasetIdentifier(options.pipelineName, options.datasetName, options.destination);
    this.workingDir = options.workingDir ?? pipelineWorkingDir(options.pipelineName);
  }

  /** Locks the working folder (one run at a time) and opens the destination. */
  static async open(options: SessionOptions): Promise<PipelineSession> {
    const session = new PipelineSession(options);
    await mkdir(session.workingDir, { recursive: true });
    session.#release = await acquirePipelineLock(session.workingDir, session.pipelineName);
    try {
      await session.destination.open();
      await discardUnfinishedPackages(session.workingDir);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  async close(): Promise<void> {
    await this.destination.close().catch(() => {});
    await this.#release?.();
    this.#release = undefined;
  }

  /** Loads a package unless the destination already committed it, then records it locally. */
  async load(pkg: LoadPackage): Promise<void> {
    const { loadId } = pkg.manifest;
    if (!(await this.destination.isLoaded(this.dataset, loadId))) {
      this.runtime.emit({ type: 'load_started', loadId, tables: pkg.manifest.tables.map((t) => t.name) });
      await releaseHeapBeforeLoad(pkg);
      const result = await this.#loadWithRetries(pkg);
      for (const [table, count] of Object.entries(result.rows))
        this.rows[table] = (this.rows[table] ?? 0) + count;
      this.runtime.emit({ type: 'load_finished', loadId, rows: result.rows });
    }
    await markLoaded(this.workingDir, pkg);
    await writeLocalSchema(this.workingDir, pkg.schema);
    if (pkg.manifest.state) await writeLocalState(this.workingDir, pkg.manifest.state);
    this.loadIds.push(loadId);
  }

  /**
   * A load that failed for a transient reason (a lock, a dropped connection) is tried again, up to
   * three times with growing waits; each try is its own transaction, so a failed one left nothing.
   */
  async #loadWithRetries(pkg: LoadPackage) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.destination.load(pkg, this.dataset);
      } catch (error) {
        if (!(error instanceof TributaryError) || !error.retryable || attempt >= LOAD_ATTEMPTS) throw error;
        // A connection lost after COMMIT looks transient: the load may have landed after all.
        if (await this.destination.isLoaded(this.dataset, pkg.manifest.loadId).catch(() => false))
          return { rows: {} };
        const waitMs = 250 * 2 ** (attempt - 1);
        this.runtime.emit({
          type: 'warning',
          message: `load ${pkg.manifest.loadId} failed (${error.message}); retrying in ${waitMs} ms`,
        });
        await this.runtime.sleep(waitMs);
      }
    }
  }

  /** Finishes the packages an earlier run normalized but did not load, without calling the API. */
  async finishPending(): Promise<void> {
    for (const pkg of await pendingPackages(this.workingDir)) {
      this.runtime.emit({ type: 'pending_package', loadId: pkg.manifest.loadId });
      await this.load(pkg);
    }
  }

  /** The newest schema: the local copy, or the destination's when newer (or the local one is gone). */
  async schema(name: string): Promise<StoredSchema> {
    const local = await readLocalSchema(this.workingDir, name);
    const remote = await this.destination.storedSchema(this.dataset, name);
    return newer(local, remote, (s) => s.version) ?? emptySchema(name);
  }

  /** The newest state, and whether the destination holds that same version. */
  async state(): Promise<{ state: PipelineState | undefined; remote: PipelineState | undefined }> {
    const remote = await this.destination.storedState(this.dataset, this.pipelineName);
    return { state: newer(await readLocalState(this.workingDir), remote, (s) => s._state_version), remote };
  }
}
