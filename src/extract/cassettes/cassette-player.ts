import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { TributaryError } from '../../errors/tributary-error.js';
import {
  cassetteError,
  INDEX_FILE,
  type IndexEntry,
  type Interaction,
  matchKey,
  parseIndex,
  type StoredRequest,
} from './cassette-format.js';
import { bodyBytes } from './cassette-scrubber.js';
import { dispatchedRequest } from './dispatched-request.js';

type Handler = Dispatcher.DispatchHandler;

/** What undici's own controller does for a handler: pausing is moot (the body is in memory). */
class ReplayController implements Dispatcher.DispatchController {
  #aborted = false;
  #reason: Error | null = null;
  rawHeaders = null;
  rawTrailers = null;

  constructor(private readonly onAbort: (reason: Error) => void) {}

  get aborted(): boolean {
    return this.#aborted;
  }
  get paused(): boolean {
    return false;
  }
  get reason(): Error | null {
    return this.#reason;
  }
  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.onAbort(reason);
  }
  pause(): void {}
  resume(): void {}
}

/** A request the cassette cannot answer, named as the user would look for it. */
function unmatched(dir: string, request: StoredRequest, used: number, similar: string[]): TributaryError {
  const body = request.bodySha256 === null ? '' : ` (body sha256 ${request.bodySha256.slice(0, 12)}…)`;
  const what =
    used > 0
      ? `was recorded ${used} time${used === 1 ? '' : 's'} and the run sent it again`
      : 'has no recorded response';
  const hint = similar.length > 0 ? `; recorded for the same path: ${similar.slice(0, 3).join(', ')}` : '';
  return cassetteError(
    `${request.method} ${request.url}${body} ${what} in the cassette ${dir}${hint}. Replay sends nothing to the network: record the cassette again (tributary run CONFIG --record ${dir}) after changing the config`,
  );
}

/**
 * Answers a run's requests from a cassette folder and never opens a connection. A request is
 * scrubbed as it was when recorded and matched by method, scrubbed URL and body hash; the same
 * request sent again (a retry) gets the next recorded answer, so a recorded 503-then-200 replays as
 * such, whatever order concurrent requests come in. Interaction files are read when played.
 */
export class CassettePlayer {
  readonly #dir: string;
  readonly #queues = new Map<string, IndexEntry[]>();
  readonly #used = new Map<string, number>();

  private constructor(dir: string, entries: IndexEntry[]) {
    this.#dir = dir;
    for (const entry of [...entries].sort((a, b) => a.occurrence - b.occurrence)) {
      const key = matchKey(entry);
      const queue = this.#queues.get(key);
      if (queue) queue.push(entry);
      else this.#queues.set(key, [entry]);
    }
  }

  static async open(dir: string): Promise<CassettePlayer> {
    let text: string;
    try {
      text = await readFile(join(dir, INDEX_FILE), 'utf8');
    } catch (error) {
      throw cassetteError(
        `no cassette to replay in ${dir} (${INDEX_FILE} is missing); record one with tributary run CONFIG --record ${dir}`,
        error,
      );
    }
    return new CassettePlayer(dir, parseIndex(text, dir).interactions);
  }

  /** The interceptor to `compose` onto a dispatcher it never passes a request to. */
  interceptor(): Dispatcher.DispatcherComposeInterceptor {
    return () => (opts, handler) => {
      this.#play(dispatchedRequest(opts), handler);
      return true;
    };
  }

  #take(request: StoredRequest): IndexEntry | TributaryError {
    const key = matchKey(request);
    const used = this.#used.get(key) ?? 0;
    const entry = this.#queues.get(key)?.[used];
    if (entry !== undefined) {
      this.#used.set(key, used + 1);
      return entry;
    }
    const path = (url: string) => url.split('?')[0];
    const similar = [...this.#queues.values()]
      .map((queue) => queue[0] as IndexEntry)
      .filter((e) => e.method === request.method && path(e.url) === path(request.url))
      .map((e) => e.url);
    return unmatched(this.#dir, request, used, similar);
  }

  #play(request: StoredRequest, handler: Handler): void {
    let ended = false;
    const fail = (error: Error) => {
      if (ended) return;
      ended = true;
      try {
        handler.onResponseError?.(controller, error);
      } catch {
        // the client gave up on this request already: nobody is left to tell
      }
    };
    const controller = new ReplayController(fail);
    // Taken now, in the order the run sends: the order identical requests were recorded in.
    const entry = this.#take(request);
    handler.onRequestStart?.(controller, {});
    if (controller.aborted) return;
    const answer = async () => {
      if (entry instanceof TributaryError) throw entry;
      let interaction: Interaction;
      try {
        interaction = JSON.parse(await readFile(join(this.#dir, entry.file), 'utf8')) as Interaction;
      } catch (error) {
        throw cassetteError(`cannot read ${join(this.#dir, entry.file)}: ${(error as Error).message}`, error);
      }
      if (ended) return;
      if (interaction.error || !interaction.response) {
        const stored = interaction.error ?? { name: 'Error', code: undefined, message: 'no response' };
        throw Object.assign(new Error(stored.message), { name: stored.name, code: stored.code });
      }
      const { response } = interaction;
      const body = bodyBytes(response.body);
      const headers = { ...response.headers, 'content-length': String(body.length) };
      handler.onResponseStart?.(controller, response.status, headers, response.statusText);
      if (body.length > 0 && !ended) handler.onResponseData?.(controller, body);
      if (ended) return;
      ended = true;
      handler.onResponseEnd?.(controller, {});
    };
    answer().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  }
}
