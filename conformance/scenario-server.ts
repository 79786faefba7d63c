import { createServer } from 'node:http';
import { listenOnLoopback } from '../test/support/loopback-server.js';

/** A request as the scenario's API sees it. */
export interface ApiRequest {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
  /** `http://127.0.0.1:<port>`, for absolute links. */
  origin: string;
}

export interface ApiReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is (key order and number spelling kept); anything else as JSON. */
  body?: unknown;
}

/** Answers one request of one run (0 for the first run). */
export type ApiHandler = (request: ApiRequest, run: number) => ApiReply;

/** What the server received, in arrival order. */
export interface RecordedRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
}

export interface ScenarioServer {
  readonly origin: string;
  /** A fresh API (new state) for the next tool; clears the recorded requests. */
  use(handler: ApiHandler): void;
  /** Which run the next requests belong to. */
  run: number;
  /** The requests since the last call, in order. */
  take(): RecordedRequest[];
  close(): Promise<void>;
}

/** Bounds a runaway paginator: past this many requests in one run the API answers 400. */
const MAX_REQUESTS_PER_RUN = 300;
const MAX_BODY_BYTES = 1_000_000;

/**
 * A local API on 127.0.0.1 that answers from the scenario's handler and records every request.
 * Unknown paths are the handler's business (scenarios answer 404 themselves).
 */
export async function startScenarioServer(): Promise<ScenarioServer> {
  let handler: ApiHandler = () => ({ status: 503, body: { error: 'no API yet' } });
  let recorded: RecordedRequest[] = [];
  let inRun = 0;
  const state = { run: 0 };
  let origin = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = req.url ?? '/';
      const mark = raw.indexOf('?');
      const path = mark === -1 ? raw : raw.slice(0, mark);
      const rawQuery = mark === -1 ? '' : raw.slice(mark + 1);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined)
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const body = Buffer.concat(chunks).toString('utf8');
      recorded.push({ method, path, rawQuery, headers, body });
      inRun++;
      let reply: ApiReply;
      if (inRun > MAX_REQUESTS_PER_RUN) {
        reply = { status: 400, body: { error: `more than ${MAX_REQUESTS_PER_RUN} requests in one run` } };
      } else {
        try {
          reply = handler(
            { method, path, rawQuery, query: new URLSearchParams(rawQuery), headers, body, origin },
            state.run,
          );
        } catch (error) {
          reply = { status: 400, body: { error: String(error) } };
        }
      }
      const text =
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body);
      const replyHeaders: Record<string, string> = { ...reply.headers };
      if (text !== '' && !Object.keys(replyHeaders).some((name) => name.toLowerCase() === 'content-type')) {
        replyHeaders['content-type'] = 'application/json; charset=utf-8';
      }
      res.writeHead(reply.status ?? 200, replyHeaders);
      res.end(text);
    });
  });
  const listening = await listenOnLoopback(server);
  origin = listening.url;
  return {
    origin,
    use(next) {
      handler = next;
      recorded = [];
      inRun = 0;
    },
    get run() {
      return state.run;
    },
    set run(value: number) {
      state.run = value;
      inRun = 0;
    },
    take() {
      const out = recorded;
      recorded = [];
      return out;
    },
    close: listening.close,
  };
}
