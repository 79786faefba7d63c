import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { secretRegistry } from '../../config/secret-registry.js';
import {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  type CassetteIndex,
  cassetteError,
  INDEX_FILE,
  INTERACTIONS_DIR,
  type IndexEntry,
  type Interaction,
  interactionFileName,
  matchKey,
  type StoredError,
  type StoredRequest,
  toolName,
} from './cassette-format.js';
import { isTokenRequest, scrubResponseBody, scrubResponseHeaders } from './cassette-scrubber.js';
import { dispatchedRequest } from './dispatched-request.js';

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

/** How an exchange ended, before scrubbing. */
type Outcome =
  | { response: { status: number; statusText: string; headers: IncomingHttpHeaders; body: Buffer } }
  | { error: StoredError };

/** Passes everything through to the client's handler and keeps a copy of the response. */
class RecordingHandler implements Handler {
  #status = 0;
  #statusText = '';
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];

  constructor(
    private readonly inner: Handler,
    private readonly done: (outcome: Outcome) => void,
  ) {}

  onRequestStart(controller: Controller, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onResponseStart(controller: Controller, status: number, headers: IncomingHttpHeaders, text?: string): void {
    this.#status = status;
    this.#statusText = text ?? '';
    this.#headers = headers;
    this.#chunks = [];
    this.inner.onResponseStart?.(controller, status, headers, text);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: IncomingHttpHeaders): void {
    this.done({
      response: {
        status: this.#status,
        statusText: this.#statusText,
        headers: this.#headers,
        body: Buffer.concat(this.#chunks),
      },
    });
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    const code = (error as { code?: unknown }).code;
    this.done({
      error: {
        name: error.name,
        code: typeof code === 'string' ? code : undefined,
        message: secretRegistry.redact(error.message),
      },
    });
    this.inner.onResponseError?.(controller, error);
  }
}

/**
 * Records every exchange of a run into a cassette folder: an undici interceptor in front of the
 * real connection pool, so the HTTP client itself (retries, redirects, rate budget) is unchanged
 * and every attempt, a retried 503 included, becomes one interaction file. Files are written as
 * responses complete; `close` waits for them and writes the index.
 */
export class CassetteRecorder {
  readonly #dir: string;
  readonly #meta: { configFile: string | undefined; createdAt: string };
  readonly #entries: IndexEntry[] = [];
  readonly #occurrences = new Map<string, number>();
  readonly #writes = new Set<Promise<void>>();
  #failure: unknown;

  private constructor(dir: string, meta: { configFile: string | undefined; createdAt: string }) {
    this.#dir = dir;
    this.#meta = meta;
  }

  /**
   * Prepares `dir`: created when missing; a cassette already there is replaced; any other folder
   * with files in it is refused, so a typo cannot wipe unrelated files.
   */
  static async open(dir: string, meta: { configFile?: string; now: number }): Promise<CassetteRecorder> {
    let entries: string[] = [];
    try {
      entries = await readdir(dir);
    } catch {
      // a new folder
    }
    if (entries.length > 0 && !entries.includes(INDEX_FILE)) {
      throw cassetteError(
        `cannot record into ${dir}: the folder holds files but no ${INDEX_FILE}; record into an empty or new folder`,
      );
    }
    try {
      await rm(join(dir, INTERACTIONS_DIR), { recursive: true, force: true });
      await rm(join(dir, INDEX_FILE), { force: true });
      await mkdir(join(dir, INTERACTIONS_DIR), { recursive: true });
    } catch (error) {
      throw cassetteError(`cannot record into ${dir}: ${(error as Error).message}`, error);
    }
    return new CassetteRecorder(dir, {
      configFile: meta.configFile,
      createdAt: new Date(meta.now).toISOString(),
    });
  }

  /** The interceptor to `compose` onto the connection pool. */
  interceptor(): Dispatcher.DispatcherComposeInterceptor {
    return (dispatch) => (opts, handler) => {
      const request = dispatchedRequest(opts);
      const key = matchKey(request);
      const occurrence = (this.#occurrences.get(key) ?? 0) + 1;
      this.#occurrences.set(key, occurrence);
      const save = (outcome: Outcome) => {
        // Called from inside undici's response handling: a failure here must not break the exchange.
        try {
          this.#save(request, occurrence, outcome);
        } catch (error) {
          this.#failure ??= error;
        }
      };
      return dispatch(opts, new RecordingHandler(handler, save));
    };
  }

  #save(request: StoredRequest, occurrence: number, outcome: Outcome): void {
    const interaction: Interaction = { request, occurrence };
    if ('response' in outcome) {
      const { response } = outcome;
      interaction.response = {
        status: response.status,
        statusText: response.statusText,
        headers: scrubResponseHeaders(response.headers),
        body: scrubResponseBody(response.body, isTokenRequest(request)),
      };
    } else interaction.error = outcome.error;
    const file = `${INTERACTIONS_DIR}/${interactionFileName(request, occurrence)}`;
    this.#entries.push({
      file,
      method: request.method,
      url: request.url,
      bodySha256: request.bodySha256,
      occurrence,
      outcome: interaction.response?.status ?? 'error',
    });
    const write = writeFile(join(this.#dir, file), `${JSON.stringify(interaction, null, 2)}\n`)
      .catch((error: unknown) => {
        this.#failure ??= error;
      })
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }

  /** How many exchanges were recorded so far. */
  get size(): number {
    return this.#entries.length;
  }

  /** Waits for the interaction files, then writes `cassette.json` (sorted, so re-recording diffs cleanly). */
  async close(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
    if (this.#failure !== undefined) {
      const reason = this.#failure instanceof Error ? this.#failure.message : String(this.#failure);
      throw cassetteError(`cannot write the cassette in ${this.#dir}: ${reason}`, this.#failure);
    }
    const interactions = [...this.#entries].sort(
      (a, b) =>
        compare(a.url, b.url) ||
        compare(a.method, b.method) ||
        compare(a.bodySha256 ?? '', b.bodySha256 ?? '') ||
        a.occurrence - b.occurrence,
    );
    const index: CassetteIndex = {
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      tool: toolName(),
      createdAt: this.#meta.createdAt,
      ...(this.#meta.configFile === undefined ? {} : { config: this.#meta.configFile }),
      interactions,
    };
    try {
      await writeFile(join(this.#dir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
    } catch (error) {
      throw cassetteError(`cannot write ${join(this.#dir, INDEX_FILE)}: ${(error as Error).message}`, error);
    }
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
