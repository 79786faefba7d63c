/** What the crash loop's parent and `crash-child.ts` say to each other (no imports: the child loads it). */

/** What `crash-child.ts` takes as its one JSON argument. */
export interface CrashChildArgs {
  baseUrl: string;
  dbFile: string;
  workingDir: string;
}

/** Kill at a named point: `afterMs` after the `nth` (default first) pipeline event of type `event`. */
export interface KillCheckpoint {
  event: 'run_started' | 'resource_finished' | 'load_started' | 'load_finished' | 'pending_package';
  afterMs: number;
  nth?: number;
}

/** The line PreparedChild sends to start a waiting child. */
export interface GoLine {
  killAt?: KillCheckpoint;
}

/** The child's exit code when the pipeline is locked by another run. */
export const EXIT_LOCKED = 3;
