import { TributaryError } from '../errors/tributary-error.js';

const FREE_SPACE = 'free space there (or point TRIBUTARY_HOME at another disk)';
const MAKE_WRITABLE = 'make the working folder writable (or point TRIBUTARY_HOME elsewhere)';

/** What the operating system's error codes mean for someone whose run just failed, and what to do. */
const STORAGE_REASONS: Record<string, { reason: string; advice: string }> = {
  ENOSPC: { reason: 'no space left on the device', advice: FREE_SPACE },
  EDQUOT: { reason: 'the disk quota is used up', advice: FREE_SPACE },
  EFBIG: {
    reason: 'file too large (over the file size limit, `ulimit -f`)',
    advice: 'raise the file size limit',
  },
  EROFS: { reason: 'the file system is read-only', advice: MAKE_WRITABLE },
  EACCES: { reason: 'permission denied', advice: MAKE_WRITABLE },
  EPERM: { reason: 'permission denied', advice: MAKE_WRITABLE },
  EIO: { reason: 'an I/O error from the disk', advice: 'check the disk' },
};

/**
 * A file of the working folder that could not be written (disk full, file size limit, permissions)
 * as a clear `WORKING_DIR` error: what failed, why in words, what was (not) done, what to do. Space
 * and quota can come back, so those are transient; the rest needs someone to change something.
 *
 * @example
 * storageError('could not write the load package under /w/load/new/1', 'the package was discarded', e)
 * // could not write … : no space left on the device (ENOSPC); the package was discarded — free space there …
 */
export function storageError(what: string, outcome: string, cause: unknown): TributaryError {
  if (cause instanceof TributaryError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : STORAGE_REASONS[code];
  const reason = known?.reason ?? (cause instanceof Error ? cause.message : String(cause));
  return new TributaryError(
    'WORKING_DIR',
    `${what}: ${reason}${code ? ` (${code})` : ''}; ${outcome} — ${known?.advice ?? 'fix the working folder'} and run again`,
    { retryable: code === 'ENOSPC' || code === 'EDQUOT', cause },
  );
}
