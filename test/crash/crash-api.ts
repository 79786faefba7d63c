import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnLoopback } from '../support/loopback-server.js';
import type { CrashDataset } from './crash-dataset.js';

export interface CrashApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Added before every answer; changed between runs (0 for the reference runs). */
  latencyMs: number;
  /** Requests answered so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

const MAX_LIMIT = 100;

function page<T>(items: readonly T[], query: URLSearchParams): { data: T[]; total: number } {
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number.parseInt(query.get('limit') ?? '20', 10) || 20));
  return { data: items.slice(offset, offset + limit), total: items.length };
}

/**
 * The crash loop's API on 127.0.0.1, serving a CrashDataset:
 * `GET /tasks?since=&offset=&limit=` (tasks with `updated_at >= since`, ordered by updated_at then id)
 * and `GET /events?offset=&limit=`, both as `{ data, total }`.
 */
export async function startCrashApi(dataset: CrashDataset, latencyMs = 0): Promise<CrashApi> {
  let requests = 0;
  const state = { latencyMs };
  const closing = new AbortController();
  // Every request waiting out its latency listens on this signal; several at once is normal.
  setMaxListeners(0, closing.signal);
  const server = createServer(async (request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      if (state.latencyMs > 0) await sleep(state.latencyMs, undefined, { signal: closing.signal });
    } catch {
      response.destroy();
      return;
    }
    let body: unknown;
    if (url.pathname === '/tasks') {
      const since = url.searchParams.get('since') ?? '';
      const tasks = dataset.tasks
        .filter((t) => t.updated_at >= since)
        .sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : a.id - b.id));
      body = page(tasks, url.searchParams);
    } else if (url.pathname === '/events') {
      body = page(dataset.events, url.searchParams);
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: `no route ${url.pathname}` }));
      return;
    }
    const text = JSON.stringify(body);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    requests: () => requests,
    close: () => {
      closing.abort();
      return listening.close();
    },
  };
}
