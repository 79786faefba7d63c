import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { withDuckDb } from './duckdb-reader.js';
import { type RecordingServer, startRecordingServer } from './recording-server.js';
import { runCli } from './run-cli.js';
import { makeTempDir } from './temp-dir.js';

export interface ShopEvent {
  id: number;
  updated_at: number;
  tags: string[];
}

const EVENTS: ShopEvent[] = [
  { id: 1, updated_at: 10, tags: ['a', 'b'] },
  { id: 2, updated_at: 20, tags: ['c'] },
  { id: 3, updated_at: 30, tags: [] },
];
const USERS = [
  { id: 1, name: 'ada', roles: ['admin', 'dev'] },
  { id: 2, name: 'bob', roles: ['dev'] },
];

/** `events` incremental on `updated_at` (sent as `since`), `users` replaced on every run. */
const config = (url: string) => `
client:
  base_url: ${url}
  retry: { max_retries: 1, backoff_factor: 0.01, status_codes: [503] }
resources:
  - name: events
    primary_key: id
    write_disposition: merge
    endpoint:
      path: /events
      incremental: { cursor_path: updated_at, initial_value: 0, start_param: since }
  - name: users
    primary_key: id
    write_disposition: replace
    endpoint: { path: /users }
`;

/**
 * Pipeline `shop` for CLI tests: a recording server on 127.0.0.1 serving `/events` (3 events with
 * nested tags, filtered by `since`) and `/users` (2 users with nested roles, or `usersStatus`), and
 * per test a temp folder with `shop.yaml`, `TRIBUTARY_HOME` in it and `shop.duckdb`.
 */
export function useShopPipeline() {
  let api: RecordingServer;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const shop = {
    /** What `/events` serves; reset to the 3 events before each test. */
    events: [] as ShopEvent[],
    /** 200 serves the users; anything else is answered with that status. */
    usersStatus: 200,
    get api() {
      return api;
    },
    dir: () => temp.dir,
    home: () => join(temp.dir, 'home/pipelines/shop'),
    db: () => join(temp.dir, 'shop.duckdb'),
    cli: (...args: string[]) =>
      runCli(args, { cwd: temp.dir, env: { TRIBUTARY_HOME: join(temp.dir, 'home') } }),
    /** `tributary run shop.yaml`, expected to succeed. */
    run: async () => {
      const result = await shop.cli('run', 'shop.yaml', '--quiet');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
    eventCalls: () => api.calls().filter((c) => c.startsWith('GET /events')),
    query: (sql: string) => withDuckDb(shop.db(), (q) => q(sql)),
    tables: async () =>
      (
        await shop.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop_dataset' ORDER BY 1",
        )
      ).map((r) => r.table_name),
    /** Runs SQL on the database file read-write (to break or fix the destination). */
    alter: async (sql: string) => {
      const instance = await DuckDBInstance.create(shop.db());
      const connection = await instance.connect();
      await connection.run(sql);
      connection.closeSync();
      instance.closeSync();
    },
  };
  beforeAll(async () => {
    api = await startRecordingServer({
      'GET /events': ({ query }) => ({
        body: shop.events.filter((e) => e.updated_at >= Number(query.get('since') ?? 0)),
      }),
      'GET /users': () =>
        shop.usersStatus === 200 ? { body: USERS } : { status: shop.usersStatus, body: {} },
    });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    shop.events = [...EVENTS];
    shop.usersStatus = 200;
    api.reset();
    await writeFile(join(temp.dir, 'shop.yaml'), config(api.url));
    return temp.cleanup;
  });
  return shop;
}
