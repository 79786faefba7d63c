/**
 * The HTTP client the task API tests use: undici with every request bounded in time, so a server that
 * hangs fails a test instead of stalling it, and answers read whole as bytes and text.
 */
import { Agent, request } from 'undici';
import { DEMO_API_KEY, type TaskApi } from './task-api-server.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  text: string;
}

/** A status, or `drop` when the server closed the connection without answering. */
export type Outcome = number | 'drop';

export interface TestClient {
  /** GET `path` with `?api_key=` set to `key` (left out when null). */
  get(api: TaskApi, path: string, key?: string | null): Promise<Answer>;
  /** GET with the key in headers instead of the query. */
  getWithHeaders(api: TaskApi, path: string, headers: Record<string, string>): Promise<Answer>;
  /** The outcomes of `count` sequential page requests. */
  outcomes(api: TaskApi, count: number): Promise<Outcome[]>;
  close(): Promise<void>;
}

export function createTestClient(): TestClient {
  const agent = new Agent({ headersTimeout: 5_000, bodyTimeout: 5_000, connect: { timeout: 5_000 } });

  async function getWithHeaders(
    api: TaskApi,
    path: string,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const response = await request(new URL(path, api.url), { dispatcher: agent, headers });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, bytes, text: bytes.toString('utf8') };
  }

  function get(api: TaskApi, path: string, key: string | null = DEMO_API_KEY): Promise<Answer> {
    const url = new URL(path, api.url);
    if (key !== null) url.searchParams.set('api_key', key);
    return getWithHeaders(api, `${url.pathname}${url.search}`, {});
  }

  async function outcomes(api: TaskApi, count: number): Promise<Outcome[]> {
    const seen: Outcome[] = [];
    for (let i = 0; i < count; i++) {
      const outcome = await get(api, '/v1/tasks?limit=1').then(
        (answer) => answer.status,
        (error: unknown) => {
          if ((error as { code?: unknown }).code === 'UND_ERR_SOCKET') return 'drop' as const;
          throw error;
        },
      );
      seen.push(outcome);
    }
    return seen;
  }

  return { get, getWithHeaders, outcomes, close: () => agent.close() };
}
