import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '../errors/tributary-error.js';

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

/**
 * One run of a pipeline at a time: a lock file created exclusively in the working folder, holding
 * the owner's pid. A lock left by a process that no longer exists (killed) is taken over.
 */
export async function acquirePipelineLock(
  workingDir: string,
  pipelineName: string,
): Promise<() => Promise<void>> {
  const path = join(workingDir, 'run.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner) && owner !== process.pid) {
        throw new TributaryError(
          'PIPELINE_LOCKED',
          `pipeline ${pipelineName} is already running (process ${owner}); wait for it to finish, or remove ${path} if that process is gone`,
        );
      }
      // Stale: its owner died without releasing it.
      await rm(path, { force: true });
    }
  }
  throw new TributaryError('PIPELINE_LOCKED', `cannot lock pipeline ${pipelineName} at ${path}`);
}
