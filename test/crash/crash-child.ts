/**
 * A child process that runs the crash pipeline once, so that the parent can SIGKILL it anywhere:
 *
 *   node --import tsx test/crash/crash-child.ts '{"baseUrl":"http://127.0.0.1:1234","dbFile":"…","workingDir":"…"}'
 *
 * Every pipeline event is written to stdout as one JSON line with a synchronous write, so a line the
 * parent reads was written before the kill. The last line is `{"type":"done",…}` or
 * `{"type":"failed",…}`. Exit codes: 0 done, 3 PIPELINE_LOCKED, 1 any other error.
 *
 * With `"waitForGo": true` it loads everything, writes `{"type":"child_ready"}` and starts the run
 * only when a line arrives on stdin (it exits if stdin closes first): see PreparedChild. That line is
 * JSON and may name a checkpoint to die at (`killAt`), for kills that must land in a short window.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type CrashChildArgs, EXIT_LOCKED, type GoLine, type KillCheckpoint } from './crash-protocol.js';
import { CRASH_PIPELINE, crashSource } from './crash-source.js';

function line(value: unknown): void {
  writeSync(1, `${JSON.stringify(value)}\n`);
}

/** Resolves with the first stdin line as JSON (GoLine); undefined when stdin closed without one. */
function waitForGo(): Promise<GoLine | undefined> {
  return new Promise((resolve) => {
    const input = createInterface({ input: process.stdin });
    input.once('line', (text) => {
      resolve(JSON.parse(text) as GoLine);
      input.close();
    });
    input.once('close', () => resolve(undefined));
  });
}

/** A named checkpoint: the child SIGKILLs itself `afterMs` after the `nth` event of that type (see KillCheckpoint). */
function killAtCheckpoint(killAt: KillCheckpoint | undefined): (type: string) => void {
  let seen = 0;
  return (type) => {
    if (killAt === undefined || type !== killAt.event || ++seen !== (killAt.nth ?? 1)) return;
    // 0 ms kills inside the event itself: right after the COMMIT for `load_finished`, before anything else.
    if (killAt.afterMs <= 0) process.kill(process.pid, 'SIGKILL');
    else setTimeout(() => process.kill(process.pid, 'SIGKILL'), killAt.afterMs);
  };
}

async function main(): Promise<number> {
  const args = JSON.parse(process.argv[2] ?? '{}') as CrashChildArgs & { waitForGo?: boolean };
  let go: GoLine = {};
  if (args.waitForGo) {
    line({ type: 'child_ready', pid: process.pid });
    const given = await waitForGo();
    if (given === undefined) return 1;
    go = given;
  }
  const checkpoint = killAtCheckpoint(go.killAt);
  line({ type: 'child_started', pid: process.pid });
  try {
    const report = await runPipeline(crashSource(args.baseUrl), {
      pipelineName: CRASH_PIPELINE,
      destination: new DuckDbDestination(args.dbFile),
      workingDir: args.workingDir,
      runtime: {
        emit: (event) => {
          // Pages and requests are many and say nothing about where a kill lands beyond "extract".
          if (event.type !== 'request' && event.type !== 'page') line(event);
          checkpoint(event.type);
        },
      },
    });
    line({ type: 'done', loadIds: report.loadIds, rows: report.rows });
    return 0;
  } catch (error) {
    const code = error instanceof TributaryError ? error.code : 'UNKNOWN';
    line({ type: 'failed', code, message: error instanceof Error ? error.message : String(error) });
    return code === 'PIPELINE_LOCKED' ? EXIT_LOCKED : 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    line({ type: 'failed', code: 'UNKNOWN', message: String(error) });
    process.exitCode = 1;
  },
);
