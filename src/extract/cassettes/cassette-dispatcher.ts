import { basename, resolve } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { ConfigError } from '../../errors/tributary-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import { CassettePlayer } from './cassette-player.js';
import { CassetteRecorder } from './cassette-recorder.js';

/** Where to record, and the config file's name for the cassette's index. */
export interface RecordOptions {
  dir: string;
  configFile?: string;
}

/** `record` and `replay` of `runPipeline`'s options; at most one of them. */
export interface CassetteOptions {
  /** Record every exchange of the run into this folder (a cassette), secrets scrubbed. */
  record?: string | RecordOptions | undefined;
  /** Answer every request from this cassette folder; nothing goes to the network. */
  replay?: string | undefined;
}

/** The dispatcher to give the HTTP client, and how to finish with it (the recorder writes its index). */
export interface Cassette {
  mode: 'record' | 'replay';
  dispatcher: Dispatcher;
  /** The runtime for the HTTP client: replay skips its waits (see `skippingClock`). */
  runtime(base: Runtime): Runtime;
  close(): Promise<void>;
}

/**
 * Replay waits for no one: retry backoffs, `Retry-After` pauses and `requests_per_second` pacing pass
 * at once, on a clock that moves forward by every skipped wait, so the client's arithmetic (rate
 * budget, total wait caps) comes out as it did when recorded, without the wall-clock time.
 */
export function skippingClock(base: Runtime): Runtime {
  let skipped = 0;
  return {
    ...base,
    now: () => base.now() + skipped,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      skipped += Math.max(0, ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * Opens the cassette a run records into or replays from, as an undici dispatcher for `HttpClient`
 * (which sends through `undici.request` with it): recording puts an interceptor in front of a
 * connection pool like the client's own; replay composes onto a pool it never hands a request to.
 * Returns undefined when the run neither records nor replays.
 *
 * @example
 * const cassette = await openCassette({ replay: 'cassettes/tasks' }, Date.now());
 * const http = new HttpClient({ ...options, dispatcher: cassette.dispatcher });
 */
export async function openCassette(options: CassetteOptions, now: number): Promise<Cassette | undefined> {
  const { record, replay } = options;
  if (record !== undefined && replay !== undefined) {
    throw new ConfigError(
      'record and replay exclude each other: a run either records a cassette or replays one',
    );
  }
  if (replay !== undefined) {
    const player = await CassettePlayer.open(resolve(replay));
    const pool = new Agent();
    return {
      mode: 'replay',
      dispatcher: pool.compose(player.interceptor()),
      runtime: skippingClock,
      close: () => pool.close(),
    };
  }
  if (record === undefined) return undefined;
  const { dir, configFile } = typeof record === 'string' ? { dir: record, configFile: undefined } : record;
  const recorder = await CassetteRecorder.open(resolve(dir), {
    now,
    ...(configFile === undefined ? {} : { configFile: basename(configFile) }),
  });
  const pool = new Agent({ connections: 50, keepAliveTimeout: 10_000 });
  return {
    mode: 'record',
    dispatcher: pool.compose(recorder.interceptor()),
    runtime: (base) => base,
    close: async () => {
      try {
        await pool.close();
      } finally {
        await recorder.close();
      }
    },
  };
}
