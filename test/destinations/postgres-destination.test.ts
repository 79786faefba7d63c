import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { PostgresDestination } from '../../src/destinations/postgres/postgres-destination.js';
import { stagingDataset } from '../../src/destinations/sql/sql-identifiers.js';
import type { TributaryError } from '../../src/errors/tributary-error.js';
import { type PackageManifest, pendingPackages } from '../../src/load/load-package.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { StoredSchema } from '../../src/schema/schema-types.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { postgresTarget, type TestDataset } from './destination-targets.js';

const URL_TEXT = process.env.TRIBUTARY_TEST_POSTGRES_URL;

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

describe('Postgres connections', () => {
  it('names the server it cannot reach, marks it transient and never shows the password', async () => {
    const port = await closedPort();
    const destination = new PostgresDestination({
      credentials: `postgresql://loader:s3cret-Passw0rd@127.0.0.1:${port}/analytics`,
    });
    expect(destination.location).toBe(`postgresql://loader@127.0.0.1:${port}/analytics`);
    const error = (await destination.open().catch((e: unknown) => e)) as TributaryError;
    expect(error.message).toBe(
      `cannot connect to Postgres at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(error.retryable).toBe(true);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('s3cret-Passw0rd');
  });
});

describe.skipIf(URL_TEXT === undefined)(
  `Postgres behaviours${URL_TEXT === undefined ? ' (skipped: TRIBUTARY_TEST_POSTGRES_URL is unset)' : ''}`,
  () => {
    const url = new URL(URL_TEXT ?? 'postgresql://localhost');
    let server: RecordingServer;
    let served: unknown[] = [];
    let onServe: () => Promise<void> = async () => {};
    let ds: TestDataset;
    const run = (destination: PostgresDestination, resource: Record<string, unknown> = {}) =>
      runPipeline(
        restApiSource({
          client: { base_url: server.url, paginator: 'single_page' },
          resources: [{ name: 'items', endpoint: { path: 'items', data_selector: '$' }, ...resource }],
        }),
        { pipelineName: 'pg', datasetName: ds.dataset, destination, workingDir: join(ds.dir, 'work') },
      );

    beforeAll(async () => {
      server = await startRecordingServer({
        'GET /items': async () => {
          await onServe();
          return { body: served };
        },
      });
    });
    afterAll(() => server.close());
    beforeEach(async () => {
      ds = await postgresTarget.create();
      onServe = async () => {};
      return () => ds.cleanup();
    });

    it('a wrong password is a terminal error that names the user, never the password', async () => {
      const wrong = new URL(url.href);
      wrong.password = 'not-the-Passw0rd-4242';
      const error = (await new PostgresDestination({ credentials: wrong.href })
        .open()
        .catch((e: unknown) => e)) as TributaryError;
      expect(error.message).toMatch(
        /^cannot connect to Postgres at .*password authentication failed for user/,
      );
      expect(error.retryable).toBe(false);
      expect(`${error.message} ${String(error.cause)}`).not.toContain('not-the-Passw0rd-4242');
    });

    it('a server that goes down mid-run loses nothing: the package stays pending and the next run loads it', async () => {
      const proxy: TcpProxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
      const proxied = new URL(url.href);
      proxied.port = String(proxy.port);
      try {
        served = [{ id: 1 }, { id: 2 }];
        onServe = () => proxy.cut();
        const error = (await run(new PostgresDestination({ credentials: proxied.href })).catch(
          (e: unknown) => e,
        )) as TributaryError;
        expect(error.message).toMatch(
          new RegExp(`^cannot connect to Postgres at 127\\.0\\.0\\.1:${proxy.port}: connect ECONNREFUSED`),
        );
        expect(error.message).not.toContain(url.password);
        expect(await pendingPackages(join(ds.dir, 'work'))).toHaveLength(1);
        await proxy.restore();
        onServe = async () => {};
        served = [];
        await run(new PostgresDestination({ credentials: proxied.href }));
        expect(await ds.query(`SELECT id FROM ${ds.table('items')} ORDER BY id`)).toEqual([
          { id: 1 },
          { id: 2 },
        ]);
        expect(await pendingPackages(join(ds.dir, 'work'))).toHaveLength(0);
      } finally {
        await proxy.close();
      }
    });

    it('a value Postgres cannot store fails the load as terminal, naming table and line, and commits nothing', async () => {
      served = [{ id: 1, v: 'fine' }];
      await run(new PostgresDestination({ credentials: url.href }));
      served = [
        { id: 2, v: 'fine' },
        { id: 3, v: 'nul \u0000 inside' },
      ];
      const error = (await run(new PostgresDestination({ credentials: url.href })).catch(
        (e: unknown) => e,
      )) as TributaryError;
      expect(error.code).toBe('DESTINATION');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/into Postgres at .* failed: .*\[COPY items, line 2/);
      expect(await ds.query(`SELECT id FROM ${ds.table('items')}`)).toEqual([{ id: 1 }]);
    });

    it('a damaged package file fails the load as terminal and leaves the connection usable', async () => {
      served = [{ id: 1 }, { id: 2 }];
      await run(new PostgresDestination({ credentials: url.href }));
      const loaded = join(ds.dir, 'work', 'load', 'loaded');
      const [loadId] = await readdir(loaded);
      const dir = join(loaded, String(loadId));
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as PackageManifest;
      const schema = JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8')) as StoredSchema;
      const file = join(dir, manifest.tables[0]?.file ?? '');
      const destination = new PostgresDestination({ credentials: url.href });
      await destination.open();
      try {
        for (const [damage, message] of [
          ['{"id":3,"_dlt_load_id":"x","_dlt_id":"y"}\n{"id": broken\n', /Unexpected token|not valid JSON/],
          [
            '{"id":3,"_dlt_load_id":"x","_dlt_id":"y"}\n',
            /holds 1 rows where its manifest says 2; the package is damaged/,
          ],
        ] as const) {
          await writeFile(file, damage);
          const error = (await destination
            .load({ dir, manifest, schema }, ds.dataset)
            .catch((e: unknown) => e)) as TributaryError;
          expect(error.message).toMatch(message);
          expect(error.retryable).toBe(false);
          expect(await destination.isLoaded(ds.dataset, manifest.loadId)).toBe(true);
        }
      } finally {
        await destination.close();
      }
      expect(await ds.query(`SELECT id FROM ${ds.table('items')} ORDER BY id`)).toEqual([
        { id: 1 },
        { id: 2 },
      ]);
    });

    it('upsert without MERGE (as on Postgres 13 and 14) gives the same rows as with it', async () => {
      const upsert = {
        primary_key: 'id',
        write_disposition: { disposition: 'merge', strategy: 'upsert' },
        columns: { deleted: { hard_delete: true, data_type: 'bool' } },
      };
      const statements: string[] = [];
      const destination = () =>
        new PostgresDestination({
          credentials: url.href,
          mergeInto: false,
          onStatement: (s) => statements.push(s),
        });
      served = [
        { id: 1, v: 'a', tags: ['x', 'y'] },
        { id: 2, v: 'b', tags: ['z'] },
      ];
      await run(destination(), upsert);
      served = [
        { id: 1, v: 'a2', tags: ['w'] },
        { id: 2, deleted: true },
        { id: 3, v: 'c', tags: [] },
      ];
      await run(destination(), upsert);
      expect(statements.some((s) => s.startsWith('MERGE'))).toBe(false);
      expect(await ds.query(`SELECT id, v FROM ${ds.table('items')} ORDER BY id`)).toEqual([
        { id: 1, v: 'a2' },
        { id: 3, v: 'c' },
      ]);
      expect(await ds.query(`SELECT value FROM ${ds.table('items__tags')}`)).toEqual([{ value: 'w' }]);
    });

    it('gives a 63-character dataset a staging schema of its own, shortened with a dlt tag', async () => {
      const long = `${ds.dataset}_${'x'.repeat(63 - ds.dataset.length - 1)}`;
      const staging = stagingDataset(long, 63);
      expect(staging).not.toBe(long);
      expect(staging.length).toBe(63);
      served = [{ id: 1 }];
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      try {
        await runPipeline(
          restApiSource({
            client: { base_url: server.url, paginator: 'single_page' },
            resources: [{ name: 'items', endpoint: { path: 'items', data_selector: '$' } }],
          }),
          {
            pipelineName: 'pg',
            datasetName: long,
            destination: new PostgresDestination({ credentials: url.href }),
            workingDir: join(ds.dir, 'long'),
          },
        );
        const schemas = await client.query<{ nspname: string }>(
          'SELECT nspname FROM pg_namespace WHERE nspname IN ($1, $2) ORDER BY nspname',
          [long, staging],
        );
        expect(schemas.rows.map((r) => r.nspname).sort()).toEqual([long, staging].sort());
        expect((await client.query(`SELECT id FROM "${long}".items`)).rows).toEqual([{ id: '1' }]);
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS "${long}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS "${staging}" CASCADE`);
        await client.end();
      }
    });
  },
);
