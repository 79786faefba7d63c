import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import type { Destination } from '../../src/destinations/destination.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { PostgresDestination } from '../../src/destinations/postgres/postgres-destination.js';
import type { TributaryError } from '../../src/errors/tributary-error.js';
import type { TributaryEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { postgresTarget, type TestDataset } from '../destinations/destination-targets.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { faultyDuckDb } from '../support/faulty-destination.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { type CliResult, runCli, spawnCollect } from '../support/run-cli.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { makeTempDir } from '../support/temp-dir.js';
import { itemsConfig } from './items-config.js';

/**
 * Issue 9 §4, faults of where the data goes (reference §B3 rows 22 and 23): a destination that is
 * down or goes down mid-run, a DuckDB file another process holds, and a working folder that runs out
 * of space. Each ends in a clear error with exit code 1, nothing committed, the extracted package
 * kept when there is one (and never a half-written one), and a rerun that converges.
 */

const KEY = 'dest-fault-key-93b1f0';
const PIPELINE = 'dfaults';
const DATASET = `${PIPELINE}_dataset`;
const POSTGRES_URL = process.env.TRIBUTARY_TEST_POSTGRES_URL;
const CLI = resolve('dist/src/cli/main.js');

interface Item {
  id: number;
  name: string;
  updated_at: string;
  pad?: string;
}

function items(count: number, v: number, pad = 0): Item[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `item ${i + 1} v${v}`,
    updated_at: new Date(Date.UTC(2024, 0, v, 0, 0, i % 60, Math.floor(i / 60))).toISOString(),
    ...(pad > 0 ? { pad: `${i}`.padEnd(pad, 'x') } : {}),
  }));
}

/** `api_key` comes from env `API_KEY` when the CLI reads the file; the library gets it as is. */
function config(baseUrl: string, options: { limit?: number; apiKey?: string } = {}) {
  return itemsConfig(baseUrl, {
    retry: { max_retries: 1, backoff_factor: 0.01, max_delay: 0.1 },
    limit: options.limit ?? 5,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

type Row = Record<string, unknown>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const plainRows = (rows: Row[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      ]),
    ),
  );

/** The error line a failed CLI run printed: exit 1, nothing on stdout, no key, no stack trace. */
function failureLine(result: CliResult): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stdout + result.stderr).not.toContain(KEY);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return result.stderr.split('\n').find((line) => line.startsWith('error: ')) ?? '';
}

describe('destination and working-folder faults, end to end', () => {
  let api: RecordingServer;
  let served: Item[] = [];
  let refuse = false;
  let onServe: () => Promise<void> | void = () => {};
  let temp: { dir: string; cleanup: () => Promise<void> };

  const home = () => join(temp.dir, 'home');
  const workingDir = () => join(home(), 'pipelines', PIPELINE);
  const dbFile = () => join(temp.dir, `${PIPELINE}.duckdb`);
  const configFile = () => join(temp.dir, `${PIPELINE}.json`);
  const apiRequests = () => api.requests.filter((r) => r.path === '/items').length;

  async function writeConfig(cfg: unknown): Promise<string> {
    await writeFile(configFile(), JSON.stringify(cfg));
    return configFile();
  }

  function runTributary(args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
    return runCli(['--home', home(), 'run', configFile(), ...args], {
      cwd: temp.dir,
      env: { API_KEY: KEY, ...env },
      timeoutMs: 25_000,
    });
  }

  function runLibrary(destination: Destination, options: { limit?: number; datasetName?: string } = {}) {
    return runPipeline(restApiSource(config(api.url, { ...options, apiKey: KEY })), {
      pipelineName: PIPELINE,
      destination,
      workingDir: workingDir(),
      ...(options.datasetName ? { datasetName: options.datasetName } : {}),
    });
  }

  const packagesIn = async (stage: 'new' | 'normalized' | 'loaded') =>
    (await readdir(join(workingDir(), 'load', stage)).catch(() => [] as string[])).sort();

  /** Every table of the DuckDB dataset, the local state and the packages waiting to load. */
  async function duckDbCommitted() {
    const tables = await withDuckDb(dbFile(), async (q) => {
      const out: Record<string, Row[]> = {};
      const names = await q(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DATASET}' ORDER BY 1`,
      );
      for (const { table_name } of names)
        out[String(table_name)] = await q(`SELECT * FROM ${DATASET}."${String(table_name)}" ORDER BY ALL`);
      return out;
    });
    return {
      tables,
      localState: await readFile(join(workingDir(), 'state.json'), 'utf8'),
      newPackages: await packagesIn('new'),
      pending: await packagesIn('normalized'),
      locked: existsSync(join(workingDir(), 'run.lock')),
    };
  }

  const duckDbRows = () =>
    withDuckDb(dbFile(), async (q) =>
      plainRows(await q(`SELECT id, name, updated_at FROM ${DATASET}.items ORDER BY id`)),
    );
  const duckDbLoadIds = () =>
    withDuckDb(dbFile(), async (q) =>
      (await q(`SELECT load_id FROM ${DATASET}._dlt_loads ORDER BY 1`)).map((r) => String(r.load_id)),
    );
  const withoutPad = (records: Item[]) => records.map(({ pad: _pad, ...rest }) => rest);

  beforeAll(async () => {
    api = await startRecordingServer({
      'GET /items': async ({ query }) => {
        if (refuse || query.get('api_key') !== KEY) return { status: 401, body: { error: 'unauthorized' } };
        await onServe();
        const offset = Number(query.get('offset') ?? 0);
        const limit = Number(query.get('limit') ?? 5);
        return { body: { data: served.slice(offset, offset + limit), total: served.length } };
      },
    });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir('tributary-dest-faults-');
    served = items(13, 1);
    refuse = false;
    onServe = () => {};
    api.reset();
    await mkdir(home(), { recursive: true });
    return temp.cleanup;
  });

  describe('a DuckDB file locked by another process', () => {
    let holder: ChildProcess | undefined;

    /** A second writer: a child process that opens the file and keeps it until killed. */
    async function lockFile(file: string): Promise<ChildProcess> {
      const child = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { DuckDBInstance } from '@duckdb/node-api';
           const db = await DuckDBInstance.create(${JSON.stringify(file)});
           await db.connect();
           process.stdout.write('locked\\n');
           setInterval(() => {}, 1000);`,
        ],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error('the lock holder did not start')), 10_000);
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('locked')) {
            clearTimeout(timer);
            done();
          }
        });
        child.once('exit', (code) => fail(new Error(`the lock holder exited with ${code}`)));
      });
      return child;
    }

    async function unlock(): Promise<void> {
      const child = holder;
      holder = undefined;
      if (child === undefined || child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    afterEach(unlock);

    it('fails before calling the API, naming the file and the lock holder; the pending package is kept and loads once the lock goes', async () => {
      await runLibrary(new DuckDbDestination(dbFile()));
      // A package left pending by a failed load: extracted, never committed.
      served = items(13, 2);
      const broken = faultyDuckDb(dbFile(), {
        at: /INSERT INTO "dfaults_dataset"\."_dlt_loads"/,
        kind: 'terminal',
      });
      await expect(runLibrary(broken)).rejects.toThrow(/injected terminal fault/);
      const before = await duckDbCommitted();
      expect(before.pending).toHaveLength(1);
      const pendingId = before.pending[0] as string;

      holder = await lockFile(dbFile());
      api.reset();
      await writeConfig(config(api.url));
      const result = await runTributary();
      const error = failureLine(result);
      expect(error).toMatch(
        new RegExp(
          `^error: cannot open DuckDB file ${escapeRegExp(dbFile())}: it is locked by another process \\(.*PID ${holder.pid}\\)\\); DuckDB lets one process at a time write a file`,
        ),
      );
      expect(apiRequests()).toBe(0);
      await unlock();
      expect(await duckDbCommitted()).toEqual(before);

      const rerun = await runTributary();
      expect(rerun.stderr).toContain(`finishing load package ${pendingId} left by an earlier run`);
      expect(rerun.code).toBe(0);
      expect(await duckDbLoadIds()).toContain(pendingId);
      expect(await duckDbRows()).toEqual(withoutPad(served));
      expect(await packagesIn('normalized')).toEqual([]);
    });
  });

  describe('Postgres that is down', () => {
    it('fails before calling the API when nothing listens at the address: exit 1, the password never shown, nothing written', async () => {
      const port = await closedPort();
      await writeConfig(config(api.url));
      const result = await runTributary(['--destination', 'postgres'], {
        DESTINATION__POSTGRES__CREDENTIALS: `postgresql://loader:Pg-Secret-8812@127.0.0.1:${port}/analytics`,
      });
      const error = failureLine(result);
      expect(error).toBe(
        `error: cannot connect to Postgres at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
      );
      expect(result.stderr).not.toContain('Pg-Secret-8812');
      expect(apiRequests()).toBe(0);
      expect(await packagesIn('normalized')).toEqual([]);
      expect(existsSync(join(workingDir(), 'run.lock'))).toBe(false);
    });

    describe.skipIf(POSTGRES_URL === undefined)(
      `with a server${POSTGRES_URL === undefined ? ' (skipped: TRIBUTARY_TEST_POSTGRES_URL is unset)' : ''}`,
      () => {
        const url = new URL(POSTGRES_URL ?? 'postgresql://localhost');
        let ds: TestDataset;
        let proxy: TcpProxy;
        /** The server's URL through the proxy, which the test cuts to take "Postgres" down. */
        const proxied = () => {
          const through = new URL(url.href);
          through.port = String(proxy.port);
          return through.href;
        };
        const pgRows = () => ds.query(`SELECT id, name FROM ${ds.table('items')} ORDER BY id`);
        const pgLoads = async () =>
          (await ds.query(`SELECT load_id FROM ${ds.table('_dlt_loads')} ORDER BY 1`)).map((r) =>
            String(r.load_id),
          );
        /** Everything of the dataset a failed load must leave as it was. */
        const pgCommitted = async () => ({
          items: await ds.query(`SELECT * FROM ${ds.table('items')} ORDER BY id`),
          loads: await ds.query(`SELECT * FROM ${ds.table('_dlt_loads')} ORDER BY load_id`),
          state: await ds.query(`SELECT * FROM ${ds.table('_dlt_pipeline_state')} ORDER BY version`),
          versions: await ds.query(`SELECT version FROM ${ds.table('_dlt_version')} ORDER BY version`),
        });
        const expected = (records: Item[]) => records.map(({ id, name }) => ({ id, name }));

        beforeEach(async () => {
          ds = await postgresTarget.create();
          proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
          return async () => {
            await proxy.close();
            await ds.cleanup();
          };
        });

        it('keeps the package when the server goes down mid-run (exit 1), and the next run loads it without the API', async () => {
          await writeConfig(config(api.url));
          const pg = ['--destination', 'postgres', '--dataset-name', ds.dataset];
          const env = { DESTINATION__POSTGRES__CREDENTIALS: proxied() };
          expect((await runTributary(pg, env)).code).toBe(0);
          const before = await pgCommitted();

          served = items(13, 2);
          onServe = () => proxy.cut();
          const failed = await runTributary(pg, env);
          const error = failureLine(failed);
          expect(error).toMatch(
            new RegExp(
              `^error: cannot connect to Postgres at 127\\.0\\.0\\.1:${proxy.port}: connect ECONNREFUSED`,
            ),
          );
          expect(failed.stderr).not.toContain(url.password);
          const [pendingId] = await packagesIn('normalized');
          expect(pendingId).toBeDefined();
          expect(await pgCommitted()).toEqual(before);

          // Back up; the API now refuses every request: only the kept package can bring version 2.
          await proxy.restore();
          onServe = () => {};
          refuse = true;
          api.reset();
          const refused = await runTributary(pg, env);
          expect(failureLine(refused)).toContain('401 Unauthorized');
          expect(apiRequests()).toBe(1);
          expect(await pgLoads()).toContain(pendingId);
          expect(await pgRows()).toEqual(expected(served));

          refuse = false;
          expect((await runTributary(pg, env)).code).toBe(0);
          expect(await pgRows()).toEqual(expected(served));
          expect(await packagesIn('normalized')).toEqual([]);
        });

        it('retries a load whose connection drops inside the transaction, and commits it once', async () => {
          await runLibrary(new PostgresDestination({ credentials: proxied() }), { datasetName: ds.dataset });
          served = items(13, 2);
          let cuts = 0;
          const events: TributaryEvent[] = [];
          const destination = new PostgresDestination({
            credentials: proxied(),
            onStatement: (sql) => {
              if (cuts > 0 || !sql.startsWith('COPY')) return;
              cuts++;
              void proxy.cut();
              setTimeout(() => void proxy.restore(), 100);
            },
          });
          await runPipeline(restApiSource(config(api.url, { apiKey: KEY })), {
            pipelineName: PIPELINE,
            destination,
            workingDir: workingDir(),
            datasetName: ds.dataset,
            runtime: { emit: (event) => events.push(event) },
          });
          expect(cuts).toBe(1);
          const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
          expect(warnings).toEqual([expect.stringMatching(/^load \S+ failed .*; retrying in 250 ms$/)]);
          expect(await pgRows()).toEqual(expected(served));
          expect(await pgLoads()).toHaveLength(2);
        });

        it('fails after the last load attempt when the connection drops inside the transaction and stays down: nothing committed, package kept', async () => {
          await runLibrary(new PostgresDestination({ credentials: proxied() }), { datasetName: ds.dataset });
          const before = await pgCommitted();
          served = items(13, 2);
          const destination = new PostgresDestination({
            credentials: proxied(),
            connectTimeoutMs: 2_000,
            onStatement: (sql) => {
              if (sql.startsWith('COPY')) void proxy.cut();
            },
          });
          const error = (await runLibrary(destination, { datasetName: ds.dataset }).catch(
            (e: unknown) => e,
          )) as TributaryError;
          expect(error.code).toBe('DESTINATION');
          expect(error.retryable).toBe(true);
          expect(error.message).toMatch(
            /^cannot connect to Postgres at 127\.0\.0\.1:\d+: connect ECONNREFUSED/,
          );
          expect(await pgCommitted()).toEqual(before);
          const [pendingId] = await packagesIn('normalized');

          await proxy.restore();
          await runLibrary(new PostgresDestination({ credentials: proxied() }), { datasetName: ds.dataset });
          expect(await pgLoads()).toContain(pendingId);
          expect(await pgRows()).toEqual(expected(served));
          expect(await packagesIn('normalized')).toEqual([]);
        });
      },
    );
  });

  describe('a working folder that runs out of space', () => {
    /** About 3 MB of package: more than the 2 MB limits below, and a DuckDB file (1.5 MB) fits under them. */
    const BIG = items(2_000, 2, 1_600);

    it('fails with a clear error when a package file hits the file size limit (EFBIG): exit 1, no package left, the destination untouched', async () => {
      await runLibrary(new DuckDbDestination(dbFile()), { limit: 1000 });
      const before = await duckDbCommitted();
      served = BIG;
      await writeConfig(config(api.url, { limit: 1000 }));
      // RLIMIT_FSIZE = 2 MB for the run; SIGXFSZ ignored, so a write past it fails with EFBIG.
      const limited = await spawnCollect(
        'bash',
        [
          '-c',
          'trap "" XFSZ; ulimit -f 2048; exec "$@"',
          'bash',
          process.execPath,
          CLI,
          '--home',
          home(),
          'run',
          configFile(),
        ],
        {
          cwd: temp.dir,
          env: { PATH: process.env.PATH ?? '', HOME: temp.dir, API_KEY: KEY },
          timeoutMs: 25_000,
        },
      );
      const error = failureLine(limited);
      expect(error).toMatch(
        new RegExp(
          `^error: could not write the load package under ${escapeRegExp(workingDir())}/load/new/\\d+\\.\\d+: file too large \\(over the file size limit, \`ulimit -f\`\\) \\(EFBIG\\); the package was discarded and nothing of this run was loaded — raise the file size limit and run again$`,
        ),
      );
      expect(await duckDbCommitted()).toEqual(before);

      const rerun = await runTributary();
      expect(rerun.code).toBe(0);
      expect(await duckDbRows()).toEqual(withoutPad(BIG));
    });

    /** How this machine can give a child a tmpfs of its own: as root, or in a user namespace. */
    const unshareArgs = (() => {
      const probe =
        'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r';
      for (const args of [['-m'], ['-Urm']]) {
        const result = spawnSync('unshare', [...args, 'sh', '-c', probe], {
          stdio: 'ignore',
          timeout: 5_000,
        });
        if (result.status === 0) return args;
      }
      return undefined;
    })();

    /**
     * One CLI run with the working folder on a tmpfs of `sizeMb` in a private mount namespace (gone
     * when the run ends): the tmpfs starts as a copy of `from` and is copied to `to` afterwards. With
     * `fill`, a filler file takes every free byte before the run (and is removed before the copy).
     */
    async function runOnTmpfs(
      sizeMb: number,
      from: string,
      to: string,
      options: { fill?: boolean } = {},
    ): Promise<CliResult> {
      const out = await mkdtemp(join(temp.dir, 'out-'));
      const script = [
        'set -u',
        'mount -t tmpfs -o "size=$SIZE" tmpfs "$WORK" || exit 90',
        'cp -a "$FROM/." "$WORK/"',
        'if [ -n "$FILL" ]; then cat /dev/zero >"$WORK/.filler" 2>/dev/null; fi',
        '"$NODE" "$CLI" --home "$HOME_DIR" run "$CONFIG" >"$OUT/stdout" 2>"$OUT/stderr"; echo $? >"$OUT/code"',
        'rm -f "$WORK/.filler"',
        'mkdir -p "$TO" && cp -a "$WORK/." "$TO/"',
      ].join('\n');
      const result = await spawnCollect('unshare', [...(unshareArgs ?? []), 'bash', '-c', script], {
        cwd: temp.dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: temp.dir,
          API_KEY: KEY,
          SIZE: `${sizeMb}m`,
          FILL: options.fill ? '1' : '',
          WORK: workingDir(),
          FROM: from,
          TO: to,
          HOME_DIR: home(),
          OUT: out,
          NODE: process.execPath,
          CLI,
          CONFIG: configFile(),
        },
        timeoutMs: 25_000,
      });
      expect(result.code, result.stderr).toBe(0);
      const read = (name: string) => readFile(join(out, name), 'utf8');
      return { code: Number(await read('code')), stdout: await read('stdout'), stderr: await read('stderr') };
    }

    /** Every file under a folder, as paths relative to it. */
    async function filesUnder(dir: string): Promise<string[]> {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
        .sort();
    }

    it.skipIf(unshareArgs === undefined)(
      `fails with a clear error when the disk is full (ENOSPC on a 2 MB tmpfs), and the rerun once there is space converges${unshareArgs === undefined ? ' (skipped: no mount namespace here)' : ''}`,
      async () => {
        await runLibrary(new DuckDbDestination(dbFile()), { limit: 1000 });
        const before = await duckDbCommitted();
        served = BIG;
        await writeConfig(config(api.url, { limit: 1000 }));
        const full = join(temp.dir, 'after-full');
        const first = await runOnTmpfs(2, workingDir(), full);
        expect(failureLine(first)).toMatch(
          new RegExp(
            `^error: could not write the load package under ${escapeRegExp(workingDir())}/load/new/\\d+\\.\\d+: no space left on the device \\(ENOSPC\\); the package was discarded and nothing of this run was loaded — free space there \\(or point TRIBUTARY_HOME at another disk\\) and run again$`,
          ),
        );
        const left = await filesUnder(full);
        expect(left.filter((f) => f.startsWith('load/new/') || f.startsWith('load/normalized/'))).toEqual([]);
        expect(left).not.toContain('run.lock');
        expect((await duckDbCommitted()).tables).toEqual(before.tables);

        const rerun = await runOnTmpfs(64, full, join(temp.dir, 'after-rerun'));
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(await duckDbRows()).toEqual(withoutPad(BIG));
        expect(await duckDbLoadIds()).toHaveLength(2);
      },
    );

    it.skipIf(unshareArgs === undefined)(
      `fails before anything runs when the disk is already full, leaving no empty lock behind${unshareArgs === undefined ? ' (skipped: no mount namespace here)' : ''}`,
      async () => {
        await runLibrary(new DuckDbDestination(dbFile()));
        const before = await duckDbCommitted();
        await writeConfig(config(api.url));
        api.reset();
        const left = join(temp.dir, 'after-full');
        const result = await runOnTmpfs(1, workingDir(), left, { fill: true });
        expect(failureLine(result)).toBe(
          `error: cannot create the pipeline lock ${join(workingDir(), 'run.lock')}: no space left on the device (ENOSPC); nothing was run — free space there (or point TRIBUTARY_HOME at another disk) and run again`,
        );
        expect(apiRequests()).toBe(0);
        expect(await filesUnder(left)).not.toContain('run.lock');
        expect((await duckDbCommitted()).tables).toEqual(before.tables);
      },
    );
  });
});
