import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import type { TributaryEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { itemsConfig } from './items-config.js';

/**
 * Issue 9 §4, HTTP faults (reference §B3 rows 12–14 and 16): rate limits with every form of
 * `Retry-After`, 5xx bursts, connections reset or refused, and a page served forever. Each case runs
 * the real pipeline against a local server and a DuckDB file, and ends either in the rows a clean run
 * loads, or in a clear error with exit code 1, nothing committed, and a rerun that converges.
 */

const KEY = 'fault-test-key-5c1e7a';
const PIPELINE = 'faults';
const DATASET = `${PIPELINE}_dataset`;
const PAGE = 2;

interface Item {
  id: number;
  name: string;
  updated_at: string;
}

/** `count` records of version `v`: a newer version renames every record and moves its cursor on. */
function items(count: number, v: number): Item[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `item ${i + 1} v${v}`,
    updated_at: new Date(Date.UTC(2024, 0, v, 0, 0, i)).toISOString(),
  }));
}

/** What the server does with one request instead of answering it. */
type Fault =
  | { status: number; headers?: () => Record<string, string> }
  /** Half a status line and header block, then the socket closes. */
  | { cut: 'mid-headers' };

/**
 * `GET /items?offset=&limit=&api_key=` over `records`, with `total`. Faults are planned per offset
 * (taken one per request to it, so concurrency does not change which request fails), per connection
 * (`resetOnAccept`: that many new connections are reset as soon as they are accepted), or for the
 * whole walk (`ignoreOffset`: the first page, forever).
 */
class FaultApi {
  records: Item[] = [];
  faults = new Map<number, Fault[]>();
  /** Faults for every request to an offset, however many times it is asked. */
  always = new Map<number, Fault>();
  resetOnAccept = 0;
  ignoreOffset = false;
  readonly requests: Array<{ offset: number; at: number; outcome: string }> = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor() {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const log = (outcome: string) => this.requests.push({ offset, at: performance.now(), outcome });
      if (url.pathname !== '/items' || url.searchParams.get('api_key') !== KEY) {
        log('401');
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      const fault = this.always.get(offset) ?? this.faults.get(offset)?.shift();
      if (fault !== undefined && 'cut' in fault) {
        log('cut');
        const socket = res.socket;
        socket?.write('HTTP/1.1 200 OK\r\nContent-Type: applic', () => socket.destroy());
        return;
      }
      if (fault !== undefined) {
        log(String(fault.status));
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers?.() });
        res.end(JSON.stringify({ error: `status ${fault.status}` }));
        return;
      }
      const start = this.ignoreOffset ? 0 : offset;
      log('200');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: this.records.slice(start, start + PAGE), total: this.records.length }));
    });
    this.#server.on('connection', (socket) => {
      if (this.resetOnAccept > 0) {
        this.resetOnAccept--;
        this.requests.push({ offset: -1, at: performance.now(), outcome: 'reset on accept' });
        socket.resetAndDestroy();
        return;
      }
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<FaultApi> {
    const api = new FaultApi();
    await new Promise<void>((resolve) => api.#server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Healthy again, serving `records`. */
  heal(records: Item[]): void {
    this.records = records;
    this.faults.clear();
    this.always.clear();
    this.resetOnAccept = 0;
    this.ignoreOffset = false;
    this.requests.length = 0;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 that nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Short waits: backoff 10 ms, 20 ms, 40 ms (±20%), any single wait at most 0.3 s. */
const FAST_RETRY = { max_retries: 3, backoff_factor: 0.01, max_delay: 0.3, max_total_wait: 5 };

/** The key is written as a `{secrets.api_key}` template: the CLI resolves it from env `API_KEY`. */
function config(baseUrl: string, retry: Record<string, number> = FAST_RETRY, apiKey = '{secrets.api_key}') {
  return itemsConfig(baseUrl, { retry, limit: PAGE, apiKey, timeout: 5 });
}

type Row = Record<string, unknown>;

const plainRows = (rows: Row[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      ]),
    ),
  );

describe('HTTP faults, end to end', () => {
  let api: FaultApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  /** The rows a clean run of version 2 of the data loads, from an untouched database. */
  let cleanRows: Row[];
  const V1 = items(13, 1);
  const V2 = items(13, 2);

  const home = () => join(temp.dir, 'home');
  const dbFile = () => join(temp.dir, `${PIPELINE}.duckdb`);
  const workingDir = () => join(home(), 'pipelines', PIPELINE);
  const configFile = () => join(temp.dir, `${PIPELINE}.json`);

  /** Runs in this process (the library resolves no `{secrets.…}` templates: the key goes in as is). */
  async function runLibrary(
    baseUrl: string,
    options: {
      file?: string;
      work?: string;
      concurrency?: number;
      events?: TributaryEvent[];
      onEvent?: (event: TributaryEvent) => void;
    } = {},
  ) {
    return runPipeline(restApiSource(config(baseUrl, FAST_RETRY, KEY)), {
      pipelineName: PIPELINE,
      destination: new DuckDbDestination(options.file ?? dbFile()),
      workingDir: options.work ?? workingDir(),
      concurrency: options.concurrency ?? 1,
      runtime: {
        emit: (event) => {
          options.events?.push(event);
          options.onEvent?.(event);
        },
      },
    });
  }

  async function runTributary(cfg: unknown): Promise<CliResult> {
    await writeFile(configFile(), JSON.stringify(cfg));
    return runCli(['--home', home(), 'run', configFile()], {
      cwd: temp.dir,
      env: { API_KEY: KEY },
      timeoutMs: 20_000,
    });
  }

  /** The data columns of `items`, as a clean run would compare them. */
  const dataRows = (file = dbFile()) =>
    withDuckDb(file, async (q) =>
      plainRows(await q(`SELECT id, name, updated_at FROM ${DATASET}.items ORDER BY id`)),
    );

  /**
   * Everything a failed run must leave as it was: every table of the dataset (data, `_dlt_loads`,
   * state, schema versions), the local state, and no package waiting under the working folder.
   */
  async function committed() {
    const tables = await withDuckDb(dbFile(), async (q) => {
      const names = await q(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DATASET}' ORDER BY 1`,
      );
      const out: Record<string, Row[]> = {};
      for (const { table_name } of names) {
        out[String(table_name)] = await q(`SELECT * FROM ${DATASET}."${String(table_name)}" ORDER BY ALL`);
      }
      return out;
    });
    const pending = async (stage: string) =>
      (await readdir(join(workingDir(), 'load', stage)).catch(() => [])).length;
    return {
      tables,
      localState: await readFile(join(workingDir(), 'state.json'), 'utf8'),
      pending: { new: await pending('new'), normalized: await pending('normalized') },
      locked: existsSync(join(workingDir(), 'run.lock')),
    };
  }

  /** Version 1 loaded cleanly; the API now serves version 2 (with the test's faults). */
  async function loadVersion1() {
    api.heal(V1);
    await runLibrary(api.url);
    expect(await dataRows()).toEqual(V1);
    api.heal(V2);
    return committed();
  }

  /** The API healed: a rerun loads exactly what a clean run of version 2 loads. */
  async function expectRerunConverges() {
    api.heal(V2);
    const rerun = await runTributary(config(api.url));
    expect(rerun.stderr).not.toMatch(/error/i);
    expect(rerun.code).toBe(0);
    expect(await dataRows()).toEqual(cleanRows);
    const after = await committed();
    expect(after.pending).toEqual({ new: 0, normalized: 0 });
    expect(after.tables._dlt_loads).toHaveLength(2);
  }

  /** A failed CLI run: exit 1, nothing on stdout, the key nowhere; returns its `error:` line. */
  function expectFailure(result: CliResult): string {
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const errorLine = result.stderr.split('\n').find((line) => line.startsWith('error: ')) ?? '';
    expect(result.stdout + result.stderr).not.toContain(KEY);
    return errorLine;
  }

  const retries = (events: TributaryEvent[]) =>
    events.flatMap((e) => (e.type === 'retry' ? [{ url: e.url, reason: e.reason, waitMs: e.waitMs }] : []));

  beforeAll(async () => {
    api = await FaultApi.start();
    const clean = await makeTempDir('tributary-faults-clean-');
    try {
      api.heal(V2);
      temp = clean;
      await runLibrary(api.url, { file: join(clean.dir, 'clean.duckdb'), work: join(clean.dir, 'w') });
      cleanRows = await dataRows(join(clean.dir, 'clean.duckdb'));
      expect(cleanRows).toEqual(V2);
    } finally {
      await clean.cleanup();
    }
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir('tributary-faults-');
  });
  afterEach(() => temp.cleanup());

  describe('429 with Retry-After', () => {
    it('caps seconds, HTTP dates and huge values at max_delay, backs off for 0, negative, past and unparsable values, and loads every row', async () => {
      await loadVersion1();
      const hints: Array<[number, string | (() => string)]> = [
        [0, '1'],
        [2, () => new Date(Date.now() + 10_000).toUTCString()],
        [4, '86400'],
        [6, '0'],
        [8, '-5'],
        [10, () => new Date(Date.now() - 60_000).toUTCString()],
        [12, 'soon'],
      ];
      for (const [offset, hint] of hints) {
        const value = typeof hint === 'string' ? () => hint : hint;
        api.faults.set(offset, [{ status: 429, headers: () => ({ 'retry-after': value() }) }]);
      }
      const events: TributaryEvent[] = [];
      const report = await runLibrary(api.url, { events });
      expect(await dataRows()).toEqual(cleanRows);
      expect(report.retries).toBe(7);
      const waits = Object.fromEntries(
        retries(events).map(({ url, waitMs }) => [Number(new URL(url).searchParams.get('offset')), waitMs]),
      );
      // A hint is kept exact (no jitter), capped at max_delay = 0.3 s.
      expect([waits[0], waits[2], waits[4]]).toEqual([300, 300, 300]);
      // No usable hint: the first backoff, 0.01 s ± 20% (dlt#4036: `0` must not retry at once).
      for (const offset of [6, 8, 10, 12]) {
        expect(waits[offset]).toBeGreaterThanOrEqual(8);
        expect(waits[offset]).toBeLessThanOrEqual(12);
      }
      // The server saw the wait: the retry of offset 4 came at least 0.3 s after its 429.
      const atOffset4 = api.requests.filter((r) => r.offset === 4).map((r) => r.at);
      expect(atOffset4).toHaveLength(2);
      expect((atOffset4[1] ?? 0) - (atOffset4[0] ?? 0)).toBeGreaterThanOrEqual(290);
    });

    it('pauses every concurrent request to the host for a Retry-After, and loads every row once', async () => {
      await loadVersion1();
      api.faults.set(2, [{ status: 429, headers: () => ({ 'retry-after': '1' }) }]);
      const timed: Array<{ type: string; at: number }> = [];
      const report = await runLibrary(api.url, {
        concurrency: 4,
        onEvent: (event) => timed.push({ type: event.type, at: performance.now() }),
      });
      expect(await dataRows()).toEqual(cleanRows);
      expect(report.retries).toBe(1);
      // The retry event comes after the 429 set the host's pause (0.3 s, max_delay): every request
      // that starts after it, on any of the 4 connections, starts once the pause is over.
      const retryAt = timed.find((e) => e.type === 'retry')?.at ?? Number.NaN;
      const later = timed.filter((e) => e.type === 'request' && e.at > retryAt);
      expect(later.length).toBeGreaterThan(1);
      for (const request of later) expect(request.at - retryAt).toBeGreaterThanOrEqual(290);
    });

    it('fails at once when the capped wait would pass max_total_wait: exit 1, the URL redacted, nothing committed', async () => {
      const before = await loadVersion1();
      api.always.set(4, { status: 429, headers: () => ({ 'retry-after': '86400' }) });
      const started = performance.now();
      const result = await runTributary(
        config(api.url, { max_retries: 5, backoff_factor: 0.01, max_delay: 3600, max_total_wait: 2 }),
      );
      expect(performance.now() - started).toBeLessThan(10_000);
      const error = expectFailure(result);
      expect(error).toContain(`GET ${api.url}/items?offset=4&limit=2&api_key=*** failed: 429`);
      expect(error).toContain('more than 2 s in all');
      expect(api.requests.filter((r) => r.offset === 4)).toHaveLength(1);
      expect(await committed()).toEqual(before);
      await expectRerunConverges();
    });
  });

  describe('5xx', () => {
    it('rides out three 500s in a row and a 503 without Retry-After with jittered exponential backoff', async () => {
      await loadVersion1();
      api.faults.set(2, [{ status: 500 }, { status: 500 }, { status: 500 }]);
      api.faults.set(6, [{ status: 503 }]);
      const events: TributaryEvent[] = [];
      const report = await runLibrary(api.url, { events });
      expect(await dataRows()).toEqual(cleanRows);
      expect(report.retries).toBe(4);
      const waits = retries(events).map((r) => ({ reason: r.reason, waitMs: r.waitMs }));
      expect(waits.map((w) => w.reason)).toEqual(['500', '500', '500', '503']);
      // 10, 20 and 40 ms, then 10 ms again for the 503, each within ±20%.
      [10, 20, 40, 10].forEach((base, i) => {
        expect(waits[i]?.waitMs).toBeGreaterThanOrEqual(base * 0.8);
        expect(waits[i]?.waitMs).toBeLessThanOrEqual(base * 1.2);
      });
    });

    it('gives up after max_retries + 1 attempts naming the redacted URL, status and attempts: exit 1, nothing committed, rerun converges', async () => {
      const before = await loadVersion1();
      api.always.set(6, { status: 503 });
      const result = await runTributary(config(api.url));
      const error = expectFailure(result);
      expect(error).toBe(
        `error: GET ${api.url}/items?offset=6&limit=2&api_key=*** failed: 503 Service Unavailable after 4 attempts: {"error":"status 503"}`,
      );
      expect(api.requests.filter((r) => r.offset === 6)).toHaveLength(4);
      expect(await committed()).toEqual(before);
      await expectRerunConverges();
    });
  });

  describe('connections', () => {
    it('retries connections reset on accept and cut mid-headers, and loads every row', async () => {
      await loadVersion1();
      api.resetOnAccept = 2;
      api.faults.set(4, [{ cut: 'mid-headers' }, { cut: 'mid-headers' }]);
      const events: TributaryEvent[] = [];
      const report = await runLibrary(api.url, { events });
      expect(await dataRows()).toEqual(cleanRows);
      expect(report.retries).toBe(4);
      expect(api.requests.filter((r) => r.outcome === 'reset on accept')).toHaveLength(2);
      expect(api.requests.filter((r) => r.outcome === 'cut')).toHaveLength(2);
    });

    it('gives up on a server that resets every connection, naming the URL and the attempts: exit 1, nothing committed', async () => {
      const before = await loadVersion1();
      api.resetOnAccept = Number.POSITIVE_INFINITY;
      const result = await runTributary(config(api.url));
      const error = expectFailure(result);
      expect(error).toMatch(
        new RegExp(
          `^error: GET ${api.url}/items\\?offset=0&limit=2&api_key=\\*\\*\\* failed: .+ after 4 attempts$`,
        ),
      );
      expect(api.requests.filter((r) => r.outcome === 'reset on accept')).toHaveLength(4);
      expect(await committed()).toEqual(before);
      await expectRerunConverges();
    });

    it('retries a refused connection, then fails naming the URL and the attempts: exit 1, nothing committed', async () => {
      const before = await loadVersion1();
      const port = await closedPort();
      const result = await runTributary(config(`http://127.0.0.1:${port}`));
      const error = expectFailure(result);
      expect(error).toMatch(
        new RegExp(
          `^error: GET http://127\\.0\\.0\\.1:${port}/items\\?offset=0&limit=2&api_key=\\*\\*\\* failed: ECONNREFUSED .+ after 4 attempts$`,
        ),
      );
      expect(await committed()).toEqual(before);
      await expectRerunConverges();
    });
  });

  it('stops an API that serves its first page forever with a PAGINATION error: exit 1, nothing committed, rerun converges', async () => {
    const before = await loadVersion1();
    api.ignoreOffset = true;
    const result = await runTributary(config(api.url));
    const error = expectFailure(result);
    expect(error).toMatch(
      /^error: resource items: the same page came back again \(GET .*offset=2&limit=2&api_key=\*\*\*\) after 2 pages; the API repeats itself/,
    );
    // Bounded: the pages of one concurrency window at most, never the walk the total promised forever.
    expect(api.requests.length).toBeLessThanOrEqual(8);
    expect(await committed()).toEqual(before);
    await expectRerunConverges();
  });
});
