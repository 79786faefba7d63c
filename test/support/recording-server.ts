import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

/** A request as a route sees it. */
export interface RouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The query as ordered `[key, value]` pairs, repeats kept. */
  queryPairs: Array<[string, string]>;
  /** Values of `:name` segments of the route pattern. */
  params: Record<string, string>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

export interface RouteResponse {
  status?: number;
  headers?: Record<string, string>;
  /** JSON-serialized unless a string (sent as is). */
  body?: unknown;
  /** Close the connection without answering (a dropped connection). */
  drop?: boolean;
}

export type Route = (request: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/** Routes keyed by `METHOD /path`, where a path segment may be `:name`. */
export type Routes = Record<string, Route>;

/** What the server received, in arrival order. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string, without `?` (empty when there is none). */
  query: string;
  headers: Record<string, string>;
  body: string;
  /** `performance.now()` when the request arrived. */
  at: number;
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** `METHOD /path?query` of every request, for compact sequence assertions. */
  calls(): string[];
  reset(): void;
  close(): Promise<void>;
}

interface CompiledRoute {
  method: string;
  segments: string[];
  handle: Route;
}

function compile(routes: Routes): CompiledRoute[] {
  return Object.entries(routes).map(([key, handle]) => {
    const [method, pattern] = key.trim().split(/\s+/, 2);
    if (!method || !pattern) throw new Error(`route "${key}" must be "METHOD /path"`);
    return { method: method.toUpperCase(), segments: pattern.split('/'), handle };
  });
}

function match(route: CompiledRoute, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const parts = path.split('/');
  if (parts.length !== route.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i] ?? '';
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(part);
    else if (segment !== part) return undefined;
  }
  return params;
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function send(res: ServerResponse, reply: RouteResponse): void {
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const text =
    reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const headers: Record<string, string> = { ...reply.headers };
  if (typeof reply.body !== 'string' && reply.body !== undefined && !hasHeader(headers, 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(text);
}

const hasHeader = (headers: Record<string, string>, name: string) =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);

/**
 * An HTTP server on 127.0.0.1 that answers from `routes` and records every request it receives
 * (method, path, raw query, headers, body) in order. An unmatched request gets a 404 JSON body
 * and is recorded too.
 *
 * @example
 * const api = await startRecordingServer({ 'GET /items/:id': ({ params }) => ({ body: { id: params.id } }) });
 */
export async function startRecordingServer(routes: Routes): Promise<RecordingServer> {
  const compiled = compile(routes);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = req.url ?? '/';
      const mark = raw.indexOf('?');
      const path = mark === -1 ? raw : raw.slice(0, mark);
      const query = mark === -1 ? '' : raw.slice(mark + 1);
      const method = (req.method ?? 'GET').toUpperCase();
      const headers = lowerHeaders(req);
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method, path, query, headers, body, at });
      const search = new URLSearchParams(query);
      for (const route of compiled) {
        const params = match(route, method, path);
        if (params === undefined) continue;
        Promise.resolve()
          .then(() =>
            route.handle({ method, path, query: search, queryPairs: [...search], params, headers, body }),
          )
          .then(
            (reply) => send(res, reply),
            (error: unknown) => send(res, { status: 500, body: { error: String(error) } }),
          );
        return;
      }
      send(res, { status: 404, body: { error: `no route for ${method} ${path}` } });
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    requests,
    calls: () => requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`),
    reset: () => {
      requests.length = 0;
    },
    close: listening.close,
  };
}
