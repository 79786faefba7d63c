import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { listenOnLoopback } from '../support/loopback-server.js';
import { type CliResult, spawnCollect } from '../support/run-cli.js';

/** What a raw handler sees: the path, the query and how many requests came before this one. */
export interface RawRequest {
  path: string;
  query: URLSearchParams;
  /** 0 for the first request the server receives. */
  index: number;
}

/** Writes the reply itself, header by header and byte by byte (to break framing on purpose). */
export type RawHandler = (request: RawRequest, res: ServerResponse, req: IncomingMessage) => void;

export interface RawServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `path?query` of every request, in arrival order. */
  readonly calls: string[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 whose handler writes raw replies: a Content-Length that lies, a
 * socket destroyed mid-body. `test/support/recording-server.ts` covers well-formed replies.
 */
export async function startRawServer(handler: RawHandler): Promise<RawServer> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const mark = raw.indexOf('?');
    const index = calls.push(raw) - 1;
    req.resume();
    handler(
      {
        path: mark === -1 ? raw : raw.slice(0, mark),
        query: new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1)),
        index,
      },
      res,
      req,
    );
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    calls,
    close: listening.close,
  };
}

/**
 * Sends the start of a body, then cuts the connection: with `announced`, under a Content-Length of
 * that many bytes; without, chunked (the closing chunk never comes).
 */
export function sendTruncated(res: ServerResponse, head: string, announced?: number): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(announced === undefined ? {} : { 'content-length': String(announced) }),
  });
  res.write(Buffer.from(head, 'utf8'), () => {
    // Give the bytes a moment to leave before the reset, so the client sees a partial body.
    setTimeout(() => res.socket?.destroy(), 20);
  });
}

const TSX = import.meta.resolve('tsx');
const MAIN = resolve('src/cli/main.ts');

/**
 * Runs the `tributary` CLI from the sources (through tsx), so a test sees the code as it is now,
 * not a build that may be older; `test/support/run-cli.ts` runs the build, as a user would.
 */
export function runSourceCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliResult> {
  return spawnCollect(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: options.cwd,
      TRIBUTARY_HOME: join(options.cwd, 'home'),
      ...options.env,
    },
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}
