import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { discardUnfinishedPackages, type PackageManifest } from '../load/load-package.js';
import { acquirePipelineLock } from '../load/pipeline-lock.js';

/** A package that was normalized but not loaded, as `info` and `drop-pending` list it. */
export interface PendingPackage {
  loadId: string;
  /** Null when the manifest cannot be read (a damaged package is listed and dropped all the same). */
  createdAt: string | null;
  tables: Array<{ name: string; rows: number }>;
  /** Whether it carries a new pipeline state (incremental cursors that were never committed). */
  hasState: boolean;
}

function normalizedDir(workingDir: string): string {
  return join(workingDir, 'load', 'normalized');
}

/** The pending packages of a working folder, oldest first, read leniently. */
export async function listPendingPackages(workingDir: string): Promise<PendingPackage[]> {
  const dir = normalizedDir(workingDir);
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  return Promise.all(
    names.map(async (loadId) => {
      try {
        const text = await readFile(join(dir, loadId, 'manifest.json'), 'utf8');
        const manifest = JSON.parse(text) as PackageManifest;
        return {
          loadId,
          createdAt: manifest.createdAt,
          tables: manifest.tables.map(({ name, rows }) => ({ name, rows })),
          hasState: manifest.state !== undefined && manifest.state !== null,
        };
      } catch {
        return { loadId, createdAt: null, tables: [], hasState: false };
      }
    }),
  );
}

/** Deletes the given pending packages from the working folder. The caller holds the lock. */
export async function removePendingPackages(workingDir: string, packages: PendingPackage[]): Promise<void> {
  const dir = normalizedDir(workingDir);
  for (const { loadId } of packages) await rm(join(dir, loadId), { recursive: true, force: true });
}

/**
 * `tributary pipeline <name> drop-pending`: discards the packages that were normalized but never
 * loaded (and half-written ones), under the pipeline's lock. A package that fails to load for a
 * reason a retry cannot fix would otherwise block every later run, since runs finish pending
 * packages first. Nothing was committed from them, so the next run extracts that data again from
 * the last committed cursors.
 *
 * @example
 * const dropped = await dropPendingPackages(pipelineWorkingDir('tasks'), 'tasks');
 */
export async function dropPendingPackages(
  workingDir: string,
  pipelineName: string,
): Promise<PendingPackage[]> {
  if (!existsSync(workingDir)) return [];
  const release = await acquirePipelineLock(workingDir, pipelineName);
  try {
    await discardUnfinishedPackages(workingDir);
    const pending = await listPendingPackages(workingDir);
    await removePendingPackages(workingDir, pending);
    return pending;
  } finally {
    await release();
  }
}
