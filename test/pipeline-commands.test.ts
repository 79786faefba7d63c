import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { useShopPipeline } from './support/shop-pipeline.js';

describe('tributary pipeline <name> <command>', () => {
  const shop = useShopPipeline();
  const { cli, run, home, db, tables, eventCalls } = shop;

  it('info after a run shows the folder, cursor, loads and every table with its row count', async () => {
    await run();
    const text = await cli('pipeline', 'shop', 'info');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`working folder: ${home()}`);
    expect(text.stdout).toMatch(/state: version 1 \(destination: version 1\)/);
    expect(text.stdout).toMatch(/rest_api\.events\s+updated_at\s+last_value 30\s+\(initial_value 0\)/);
    expect(text.stdout).toMatch(/pending packages: none/);
    expect(text.stdout).toMatch(/last 1 load, newest first:\n\s+\d+\.\d+\s+status 0/);
    expect(text.stdout).toMatch(/\n\s+events__tags\s+3\n/);
    expect(text.stdout).toMatch(/\n\s+users__roles\s+3\n/);
    const info = JSON.parse((await cli('pipeline', 'shop', 'info', '--json')).stdout);
    expect(info.loads).toHaveLength(1);
    expect(info.cursors).toEqual([
      { source: 'rest_api', resource: 'events', cursorPath: 'updated_at', lastValue: 30, initialValue: 0 },
    ]);
    expect(
      Object.fromEntries(info.tables.map((t: { name: string; rows: number }) => [t.name, t.rows])),
    ).toEqual({
      _dlt_loads: 1,
      _dlt_pipeline_state: 1,
      _dlt_version: 1,
      events: 3,
      events__tags: 3,
      users: 2,
      users__roles: 3,
    });
    expect(info.schemas).toEqual([
      {
        name: 'rest_api',
        local: expect.objectContaining({ version: 1 }),
        destination: info.schemas[0].local,
      },
    ]);
  });

  it('info of a pipeline that never ran exits 2', async () => {
    const result = await cli('pipeline', 'nothing', 'info');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no pipeline nothing: no working folder/);
    expect(existsSync(join(shop.dir(), 'nothing.duckdb'))).toBe(false);
  });

  it('trace after a failed run shows the steps, the retry and the error', async () => {
    shop.usersStatus = 503;
    expect((await cli('run', 'shop.yaml', '--quiet')).code).toBe(1);
    const result = await cli('pipeline', 'shop', 'trace');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pipeline shop: last run failed\n/);
    expect(result.stdout).toMatch(/\n\s+open\s+ok\s+\d+ ms\n/);
    expect(result.stdout).toMatch(/\n\s+extract\s+failed\s+\d+ ms\n/);
    expect(result.stdout).toMatch(/\n\s+events\s+3 records in 1 page\s+1 request, 0 retries/);
    expect(result.stdout).toMatch(
      /retries:\n\s+users\s+attempt 1\s+http:\/\/127\.0\.0\.1:\d+\/users\s+.*503/,
    );
    expect(result.stdout).toMatch(/loads: none/);
    expect(result.stdout).toMatch(/error: HTTP_STATUS: .*\/users.*503/);
    const trace = JSON.parse((await cli('pipeline', 'shop', 'trace', '--json')).stdout);
    expect(trace.status).toBe('failed');
    expect(trace.error.code).toBe('HTTP_STATUS');
  });

  it('drop forgets a resource: tables, schema and cursor go in one load, other resources stay', async () => {
    await run();
    const result = await cli('pipeline', 'shop', 'drop', 'events');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/dropped 1 resource of pipeline shop .* in load \d+\.\d+: events/);
    expect(result.stdout).toContain('tables dropped: events, events__tags');
    expect(await tables()).toEqual([
      '_dlt_loads',
      '_dlt_pipeline_state',
      '_dlt_version',
      'users',
      'users__roles',
    ]);
    const [committed] = await shop.query(
      `SELECT (SELECT count(*) FROM shop_dataset._dlt_loads) AS loads,
          (SELECT max(version) FROM shop_dataset._dlt_pipeline_state) AS state,
          (SELECT "schema" FROM shop_dataset._dlt_version ORDER BY version DESC LIMIT 1) AS schema`,
    );
    expect(committed).toMatchObject({ loads: 2n, state: 2n });
    expect(Object.keys(JSON.parse(String(committed?.schema)).tables).sort()).toEqual([
      'users',
      'users__roles',
    ]);
    const info = JSON.parse((await cli('pipeline', 'shop', 'info', '--json')).stdout);
    expect(info.cursors).toEqual([]);
    shop.api.reset();
    await run();
    expect(eventCalls()).toEqual(['GET /events?since=0']);
    expect(await shop.query('SELECT count(*) AS n FROM shop_dataset.events')).toEqual([{ n: 3n }]);
    // The schema is back to the content of version 1 under version 3, and is stored as the newest.
    const [newest] = await shop.query(
      'SELECT version, "schema" FROM shop_dataset._dlt_version ORDER BY inserted_at DESC LIMIT 1',
    );
    expect(newest?.version).toBe(3n);
    expect(Object.keys(JSON.parse(String(newest?.schema)).tables)).toContain('events__tags');
  });

  it('drop of an unknown resource exits 2 and lists the known ones', async () => {
    await run();
    const result = await cli('pipeline', 'shop', 'drop', 'orders');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown resource(s) orders in pipeline shop; known resources: events, users',
    );
  });

  it('drop while another process holds the lock fails with exit 1 and changes nothing', async () => {
    await run();
    await writeFile(join(home(), 'run.lock'), `${process.pid}\n`);
    const result = await cli('pipeline', 'shop', 'drop', 'events');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pipeline shop is already running \(process \d+\)/);
    expect(await tables()).toContain('events');
  });

  it('info while another process holds the database still shows the local facts', async () => {
    await run();
    const instance = await DuckDBInstance.create(db());
    try {
      const result = await cli('pipeline', 'shop', 'info');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /destination: duckdb .*shop\.duckdb, dataset shop_dataset \(cannot read it: /,
      );
      expect(result.stdout).toMatch(/rest_api\.events\s+updated_at\s+last_value 30/);
    } finally {
      instance.closeSync();
    }
  });

  it('sync after the working folder was deleted restores the state: the next run asks only for new data', async () => {
    await run();
    await rm(home(), { recursive: true });
    const result = await cli('pipeline', 'shop', 'sync');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /restored pipeline shop from dataset shop_dataset: state version 1, schema rest_api version 1/,
    );
    expect(JSON.parse(await readFile(join(home(), 'state.json'), 'utf8'))._state_version).toBe(1);
    shop.events.push({ id: 4, updated_at: 40, tags: ['d'] });
    shop.api.reset();
    await run();
    expect(eventCalls()).toEqual(['GET /events?since=30']);
    expect(await shop.query('SELECT count(*) AS n FROM shop_dataset.events')).toEqual([{ n: 4n }]);
  });

  it('sync --drop-pending discards a package that cannot load and restores the committed state', async () => {
    await run();
    // Same columns, plus a constraint the API's ids break: the next load fails, retried or not.
    await shop.alter(
      'DROP TABLE shop_dataset.users; CREATE TABLE shop_dataset.users (id BIGINT CHECK (id < 0), _dlt_load_id VARCHAR, _dlt_id VARCHAR)',
    );
    shop.events.push({ id: 4, updated_at: 40, tags: [] });
    expect((await cli('run', 'shop.yaml', '--quiet')).code).toBe(1);
    const [pending] = await readdir(join(home(), 'load/normalized'));
    const refused = await cli('pipeline', 'shop', 'sync');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`pipeline shop has 1 pending package(s) (${pending})`);
    const result = await cli('pipeline', 'shop', 'sync', '--drop-pending');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`warning: dropped 1 pending package(s) that were never loaded: ${pending}\n`);
    expect(result.stdout).toContain('state version 1');
    expect(await readdir(join(home(), 'load/normalized'))).toEqual([]);
    const info = JSON.parse((await cli('pipeline', 'shop', 'info', '--json')).stdout);
    expect(info.cursors[0].lastValue).toBe(30);
  });

  it('a package that cannot load blocks runs until drop-pending; sync refuses it without --drop-pending', async () => {
    // A constraint the API's data breaks: the load fails however often it is retried.
    await shop.alter(
      'CREATE SCHEMA shop_dataset; CREATE TABLE shop_dataset.users (id BIGINT CHECK (id < 0))',
    );
    expect((await cli('run', 'shop.yaml', '--quiet')).code).toBe(1);
    const pending = await readdir(join(home(), 'load/normalized'));
    expect(pending).toHaveLength(1);
    shop.api.reset();
    const blocked = await cli('run', 'shop.yaml', '--quiet');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`loading package ${pending[0]}`);
    expect(shop.api.calls()).toEqual([]);
    const info = await cli('pipeline', 'shop', 'info');
    expect(info.stdout).toContain('pending packages: 1');

    const refused = await cli('pipeline', 'shop', 'sync');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pass --drop-pending');

    const dropped = await cli('pipeline', 'shop', 'drop-pending');
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toMatch(
      new RegExp(
        `dropped 1 pending package of pipeline shop:\\n\\s+${pending[0]}\\s+created .*, 4 tables, 11 rows, with state`,
      ),
    );
    expect(await readdir(join(home(), 'load/normalized'))).toEqual([]);
    expect((await cli('pipeline', 'shop', 'drop-pending')).stdout).toBe(
      'pipeline shop has no pending packages\n',
    );
    await shop.alter('DROP TABLE shop_dataset.users');
    await run();
    expect(eventCalls()).toEqual(['GET /events?since=0']);
  });
});
