/**
 * The demo task-management API: a plain node:http server on 127.0.0.1 that the demo and the tests sync
 * from. It pages with limit/offset, authenticates with an API key and, when asked, fails like real APIs
 * do (429 with Retry-After, 5xx, dropped connections, HTML or cut-off bodies), reproducibly.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultPicker, type FaultOptions, type FaultPicker } from './fault-injector.js';
import { RateLimiter } from './rate-limiter.js';
import {
  applyBodyMode,
  BODY_MODES,
  type BodyMode,
  jsonReply,
  listReply,
  type Reply,
  taskReply,
} from './task-api-replies.js';
import { TaskCatalog } from './task-catalog.js';
import { type GenerateTasksOptions, generateTasks } from './task-generator.js';
import type { Task, TaskShape } from './task-types.js';

export { BODY_MODES, type BodyMode } from './task-api-replies.js';

/** Obviously fake, so that it can sit in docs, examples and tests. */
export const DEMO_API_KEY = 'demo-key-not-secret';

/** What can be changed while the server runs, with `api.configure`. */
export interface TaskApiSettings {
  /** Default DEMO_API_KEY. Accepted as `?api_key=`, `X-API-Key` or `Authorization: Bearer`. */
  apiKey?: string;
  /** Serve these instead of generated tasks. Only `id` is relied on (for `/v1/tasks/{id}`). */
  tasks?: readonly Task[];
  /** Generation, used when `tasks` is not given; changing any of them regenerates. Count default 250. */
  count?: number;
  seed?: number;
  shape?: TaskShape;
  firstId?: number | bigint;
  revision?: number;
  /** Largest page; `limit` defaults to it and is capped at it. Default 100. */
  maxLimit?: number;
  /** Added before every response. Default 0. */
  latencyMs?: number;
  /** Null or a rate of 0 turns faults off (the default). */
  faults?: FaultOptions | null;
  /** Default `'json'`. */
  bodyMode?: BodyMode;
  /**
   * Allow at most this many requests per wall-clock second (fixed windows, as GitHub does); the
   * rest get 429 with `Retry-After: 1`. Null or 0: no limit (the default).
   */
  rateLimitPerSecond?: number | null;
  /** Send `X-RateLimit-Limit/Remaining/Reset` with a rate limit (default true). */
  rateLimitHeaders?: boolean;
}

export interface TaskApiOptions extends TaskApiSettings {
  /** Default 0: a free port. */
  port?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** The query parameters, with `api_key` replaced by `***`. */
  query: Record<string, string>;
  status: number | 'drop';
}

export interface TaskApiStats {
  requests: number;
  byStatus: Record<string, number>;
  dropped: number;
  /** The latest LOG_LIMIT requests, oldest first. */
  log: RequestLogEntry[];
}

export interface TaskApi {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly tasks: readonly Task[];
  /** Live counters; the same object for the life of the server. */
  readonly stats: TaskApiStats;
  setTasks(tasks: readonly Task[]): void;
  /** Changes only the settings given; a `faults` setting restarts the fault sequence from its seed. */
  configure(settings: TaskApiSettings): void;
  resetStats(): void;
  /** Stops listening and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

/** Bounds the request log, so a long-running demo server does not grow without limit. */
export const LOG_LIMIT = 10_000;
/** Past the 150 whole-number estimates and over several default pages. */
const DEFAULT_COUNT = 250;

/**
 * @example
 * const api = await startTaskApi({ count: 500, faults: { rate: 0.1, seed: 3 } });
 * await fetch(`${api.url}/v1/tasks?api_key=${DEMO_API_KEY}&limit=50`);
 * await api.close();
 */
export async function startTaskApi(options: TaskApiOptions = {}): Promise<TaskApi> {
  const { port = 0, ...initial } = options;
  let apiKey = DEMO_API_KEY;
  let maxLimit = 100;
  let latencyMs = 0;
  let bodyMode: BodyMode = 'json';
  let limiter: RateLimiter | undefined;
  let limiterSettings = { perSecond: 0, headers: true };
  let nextFault: FaultPicker = createFaultPicker(null);
  let generation: GenerateTasksOptions = { count: DEFAULT_COUNT };
  let catalog = new TaskCatalog([]);
  const stats: TaskApiStats = { requests: 0, byStatus: {}, dropped: 0, log: [] };
  const closing = new AbortController();
  // Every request waiting out its latency listens on this signal; many at once is normal, not a leak.
  setMaxListeners(0, closing.signal);

  function setTasks(tasks: readonly Task[]): void {
    catalog = new TaskCatalog(tasks);
  }

  function configure(settings: TaskApiSettings): void {
    const {
      apiKey: key,
      tasks: given,
      maxLimit: max,
      latencyMs: latency,
      faults,
      bodyMode: mode,
      rateLimitPerSecond: limitPerSecond,
      rateLimitHeaders: limitHeaders,
      ...changes
    } = settings;
    // Everything is checked before anything changes, so a rejected call leaves the server as it was.
    if (key !== undefined && key.length === 0) throw new RangeError('apiKey must not be empty');
    if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
      throw new RangeError(`maxLimit must be an integer >= 1: ${max}`);
    }
    if (latency !== undefined && !(Number.isFinite(latency) && latency >= 0)) {
      throw new RangeError(`latencyMs must be >= 0: ${latency}`);
    }
    if (mode !== undefined && !BODY_MODES.includes(mode)) throw new RangeError(`unknown bodyMode: ${mode}`);
    const picker = faults === undefined ? nextFault : createFaultPicker(faults);
    // What is left in `changes` are generation settings (count, seed, shape, firstId, revision).
    const regenerate = Object.keys(changes).length > 0;
    const nextGeneration: GenerateTasksOptions = { ...generation, ...changes };
    const nextTasks = given ?? (regenerate ? generateTasks(nextGeneration) : undefined);

    apiKey = key ?? apiKey;
    maxLimit = max ?? maxLimit;
    latencyMs = latency ?? latencyMs;
    bodyMode = mode ?? bodyMode;
    if (limitPerSecond !== undefined || limitHeaders !== undefined) {
      const perSecond = limitPerSecond === undefined ? limiterSettings.perSecond : (limitPerSecond ?? 0);
      const headers = limitHeaders ?? limiterSettings.headers;
      limiterSettings = { perSecond, headers };
      limiter = perSecond > 0 ? new RateLimiter(perSecond, { headers }) : undefined;
    }
    nextFault = picker;
    generation = nextGeneration;
    if (nextTasks !== undefined) setTasks(nextTasks);
  }

  function record(method: string, url: URL, status: number | 'drop'): void {
    if (status === 'drop') stats.dropped += 1;
    else stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const query = Object.fromEntries(url.searchParams);
    if (query.api_key !== undefined) query.api_key = '***';
    stats.log.push({ method, path: url.pathname, query, status });
    if (stats.log.length > LOG_LIMIT) stats.log.shift();
  }

  function isAuthorised(request: IncomingMessage, url: URL): boolean {
    const header = request.headers['x-api-key'];
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const given = url.searchParams.get('api_key') ?? (typeof header === 'string' ? header : bearer);
    return given === apiKey;
  }

  function route(request: IncomingMessage, url: URL): Reply {
    const match = /^\/v1\/tasks(?:\/([^/]+))?$/.exec(url.pathname);
    if (match === null) {
      return jsonReply(404, { error: 'not_found', message: `no route for ${url.pathname}` });
    }
    if (request.method !== 'GET') {
      const body = { error: 'method_not_allowed', message: 'only GET is supported' };
      return jsonReply(405, body, { allow: 'GET' });
    }
    // A wrong key is answered before any fault, so "a 401 is not retried" is testable under faults.
    if (!isAuthorised(request, url)) {
      return jsonReply(401, { error: 'unauthorized', message: 'missing or invalid api_key' });
    }
    const limited = limiter?.take(Date.now());
    if (limited !== undefined && !limited.allowed) {
      const message = `at most ${limiterSettings.perSecond} requests per second`;
      return jsonReply(429, { error: 'rate_limited', message }, limited.headers);
    }
    const fault = nextFault();
    if (fault !== null) {
      return fault.kind === 'drop' ? 'drop' : jsonReply(fault.status, fault.body, fault.headers);
    }
    const id = match[1];
    const reply = id === undefined ? listReply(catalog, url.searchParams, maxLimit) : taskReply(catalog, id);
    if (limited !== undefined) Object.assign(reply.headers, limited.headers);
    return reply.status === 200 ? applyBodyMode(reply, bodyMode) : reply;
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    stats.requests += 1;
    try {
      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: closing.signal });
      const reply = route(request, url);
      record(method, url, reply === 'drop' ? 'drop' : reply.status);
      if (reply === 'drop') {
        request.socket.destroy();
        return;
      }
      const length = String(Buffer.byteLength(reply.body));
      response.writeHead(reply.status, { ...reply.headers, 'content-length': length }).end(reply.body);
    } catch (error) {
      if (closing.signal.aborted) {
        response.destroy();
        return;
      }
      // A bug in this server must not hang the client: answer as a real API would.
      record(method, url, 500);
      const { status, headers, body } = jsonReply(500, { error: 'internal_error', message: String(error) });
      response.writeHead(status, headers).end(body);
    }
  });

  configure({ count: DEFAULT_COUNT, ...initial });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    get tasks() {
      return catalog.tasks;
    },
    stats,
    setTasks,
    configure,
    resetStats() {
      Object.assign(stats, { requests: 0, byStatus: {}, dropped: 0 });
      stats.log.length = 0;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
