import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TributaryError } from '../errors/tributary-error.js';
import { storageError } from './storage-error.js';

/** True when a process with this pid exists (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds: a second run in the same process must be refused too. */
const heldHere = new Set<string>();

/** A file without a pid yet is being created; only after this long is it taken for abandoned. */
const CREATING_GRACE_MS = 1_000;
/** How long to keep trying while another process creates or takes over the lock. */
const DEADLINE_MS = 10_000;

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

type Owner = { kind: 'live'; pid: number } | { kind: 'stale' } | { kind: 'creating' } | { kind: 'gone' };

async function ownerOf(path: string): Promise<Owner> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { kind: 'gone' };
  }
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    return (await ageMs(path)) > CREATING_GRACE_MS ? { kind: 'stale' } : { kind: 'creating' };
  }
  const ours = pid === process.pid;
  if (ours ? heldHere.has(path) : isAlive(pid)) return { kind: 'live', pid };
  return { kind: 'stale' };
}

/**
 * Creates the file only if it does not exist, with our pid in it. A file that was created but could
 * not take the pid (a full disk) is removed again, so it never stands as a lock of nobody.
 */
async function create(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockFileError(path, error);
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(path, { force: true }).catch(() => {});
    throw lockFileError(path, error);
  }
}

function lockFileError(path: string, cause: unknown): TributaryError {
  return storageError(`cannot create the pipeline lock ${path}`, 'nothing was run', cause);
}

/**
 * Removes a stale lock under a second, short-lived "takeover" lock, re-checking the owner while
 * holding it: two processes that both found the lock stale cannot both remove a fresh one.
 */
async function clearStale(path: string): Promise<void> {
  const takeover = `${path}.takeover`;
  if (!(await create(takeover))) {
    if ((await ageMs(takeover)) > CREATING_GRACE_MS) await rm(takeover, { force: true });
    return;
  }
  try {
    if ((await ownerOf(path)).kind === 'stale') await rm(path, { force: true });
  } finally {
    await rm(takeover, { force: true });
  }
}

/**
 * One run of a pipeline at a time: a lock file created exclusively in the working folder, holding
 * the owner's pid. A lock left by a process that no longer exists (killed) is taken over.
 */
export async function acquirePipelineLock(
  workingDir: string,
  pipelineName: string,
): Promise<() => Promise<void>> {
  const path = join(workingDir, 'run.lock');
  const deadline = Date.now() + DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await create(path)) {
      heldHere.add(path);
      return async () => {
        heldHere.delete(path);
        // Remove it only while it is still ours: never another run's lock.
        const text = await readFile(path, 'utf8').catch(() => '');
        if (Number.parseInt(text, 10) === process.pid) await rm(path, { force: true });
      };
    }
    const owner = await ownerOf(path);
    if (owner.kind === 'live') {
      throw new TributaryError(
        'PIPELINE_LOCKED',
        `pipeline ${pipelineName} is already running (process ${owner.pid}); wait for it to finish, or remove ${path} if that process is gone`,
      );
    }
    if (owner.kind === 'stale') await clearStale(path);
    // Let the process that is creating or taking over the lock finish before looking again.
    await delay(5 + Math.floor(Math.random() * 15));
  }
  throw new TributaryError('PIPELINE_LOCKED', `cannot lock pipeline ${pipelineName} at ${path}`);
}
