import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import { generateTasks, type NestedTask } from '../../examples/task-api/task-generator.js';
import type { ResourceConfig } from '../../src/config/config-schema.js';
import { restApiSource } from '../../src/config/rest-api-source.js';
import type { FilesystemOptions } from '../../src/destinations/filesystem/filesystem-config.js';
import { FilesystemDestination } from '../../src/destinations/filesystem/filesystem-destination.js';
import { ConfigError, type TributaryError } from '../../src/errors/tributary-error.js';
import { LoadPackageWriter } from '../../src/load/load-package-writer.js';
import { dropResources } from '../../src/pipeline/pipeline-commands.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { startRecordingServer } from '../support/recording-server.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Runs one query in an in-memory DuckDB (which reads the Parquet and JSON files). */
async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function filesOf(folder: string): Promise<string[]> {
  return (await readdir(folder).catch(() => [] as string[])).sort();
}

describe('the filesystem destination on a local folder', () => {
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const lake = () => join(temp.dir, 'lake');
  const dataset = () => join(lake(), 'f_dataset');
  const work = () => join(temp.dir, 'work');
  const source = (writeDisposition: 'append' | 'replace' | 'merge') =>
    restApiSource({
      client: {
        base_url: api.url,
        auth: { type: 'api_key', name: 'api_key', api_key: DEMO_API_KEY, location: 'query' },
      },
      resources: [
        {
          name: 'tasks',
          primary_key: 'id',
          write_disposition: writeDisposition,
          endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
        },
      ],
    });
  const destination = (options: Partial<FilesystemOptions> = {}, hooks = {}) =>
    new FilesystemDestination({ bucketUrl: lake(), ...options }, hooks);
  const run = (
    writeDisposition: 'append' | 'replace' | 'merge' = 'append',
    into: FilesystemDestination = destination(),
  ) => runPipeline(source(writeDisposition), { pipelineName: 'f', destination: into, workingDir: work() });
  const parquet = (table: string) => `read_parquet('${dataset()}/${table}/*.parquet', union_by_name = true)`;

  beforeAll(async () => {
    api = await startTaskApi({ count: 10 });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    api.setTasks(generateTasks({ count: 150, seed: 1 }));
    api.resetStats();
    return temp.cleanup;
  });

  it('appends a second run as new files beside the first, each load with its _dlt_loads file', async () => {
    const first = await run();
    const second = await run();
    const loads = [...first.loadIds, ...second.loadIds];
    expect(loads).toHaveLength(2);
    for (const table of ['tasks', 'tasks__tags', 'tasks__subtasks']) {
      const names = await filesOf(join(dataset(), table));
      expect(names.map((n) => n.split('.').slice(0, 2).join('.'))).toEqual(loads);
      expect(names.every((n) => /^\d+\.\d+\.[0-9a-f]{10}\.parquet$/.test(n))).toBe(true);
    }
    expect(await filesOf(join(dataset(), '_dlt_loads'))).toEqual(loads.map((id) => `rest_api__${id}.jsonl`));
    const perLoad = await query(
      `SELECT _dlt_load_id AS load, count(*) AS n, count(DISTINCT id) AS ids FROM ${parquet('tasks')} GROUP BY 1 ORDER BY 1`,
    );
    expect(perLoad).toEqual(loads.map((load) => ({ load, n: 150n, ids: 150n })));
    const tags = (api.tasks as NestedTask[]).reduce((n, t) => n + t.tags.length, 0);
    const [children] = await query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE r._dlt_id IS NULL) AS orphans FROM ${parquet('tasks__tags')} t LEFT JOIN ${parquet('tasks')} r ON t._dlt_parent_id = r._dlt_id`,
    );
    expect(children).toEqual({ n: BigInt(2 * tags), orphans: 0n });
    const reader = destination();
    await reader.open();
    try {
      const facts = await reader.inspect('f_dataset', 10);
      expect(facts.loads.map((l) => [l.loadId, l.status])).toEqual(loads.reverse().map((id) => [id, 0]));
      expect(facts.tables.find((t) => t.name === 'tasks')?.rows).toBe(300);
      expect(facts.tables.find((t) => t.name === 'tasks__tags')?.rows).toBe(2 * tags);
      expect(facts.tables.find((t) => t.name === '_dlt_loads')?.rows).toBe(2);
      expect((await reader.storedSchema('f_dataset', 'rest_api'))?.tables.tasks?.write_disposition).toBe(
        'append',
      );
    } finally {
      await reader.close();
    }
  });

  it('replaces a table and its nested tables, deleting the old files only after the new ones are written', async () => {
    await run('replace');
    api.setTasks(generateTasks({ count: 60, seed: 2 }));
    const writes: Array<[string, string]> = [];
    const report = await run(
      'replace',
      destination(
        {},
        {
          onWrite: (op: string, keys: string[]) =>
            writes.push(...keys.map((k) => [op, k] as [string, string])),
        },
      ),
    );
    const loadId = report.loadIds[0] ?? '';
    for (const table of ['tasks', 'tasks__tags', 'tasks__subtasks']) {
      expect((await filesOf(join(dataset(), table))).every((n) => n.startsWith(`${loadId}.`))).toBe(true);
    }
    const [counts] = await query(
      `SELECT (SELECT count(*) FROM ${parquet('tasks')}) AS tasks, (SELECT count(*) FROM ${parquet('tasks__tags')}) AS tags`,
    );
    const tags = (api.tasks as NestedTask[]).reduce((n, t) => n + t.tags.length, 0);
    expect(counts).toEqual({ tasks: 60n, tags: BigInt(tags) });
    const lastData = writes.findLastIndex(([op, key]) => op === 'put' && key.endsWith('.parquet'));
    const firstDelete = writes.findIndex(([op]) => op === 'delete');
    const deleted = writes.filter(([op]) => op === 'delete').map(([, key]) => key.split('/')[1]);
    expect(new Set(deleted)).toEqual(new Set(['tasks', 'tasks__tags', 'tasks__subtasks']));
    expect(lastData).toBeLessThan(firstDelete);
    expect(writes.at(-1)).toEqual(['put', `f_dataset/_dlt_loads/rest_api__${loadId}.jsonl`]);
  });

  it('a load stopped before its _dlt_loads file does not count, and the next run finishes it without duplicates', async () => {
    const first = await run();
    const stopping = destination(
      {},
      {
        onWrite: (_: string, keys: string[]) => {
          if (keys.some((k) => k.includes('/_dlt_loads/'))) throw new Error('disk unplugged');
        },
      },
    );
    const failed = (await run('append', stopping).catch((e: unknown) => e)) as TributaryError;
    expect(failed.code).toBe('DESTINATION');
    expect(failed.message).toContain('disk unplugged');
    const reader = destination();
    await reader.open();
    const pending = (await readdir(join(work(), 'load/normalized')))[0] ?? '';
    expect(await reader.isLoaded('f_dataset', pending)).toBe(false);
    expect(await reader.isLoaded('f_dataset', first.loadIds[0] ?? '')).toBe(true);
    await reader.close();
    const third = await run();
    expect(third.loadIds).toEqual([pending, expect.any(String)]);
    const perLoad = await query(
      `SELECT _dlt_load_id AS load, count(*) AS n FROM ${parquet('tasks')} GROUP BY 1 ORDER BY 1`,
    );
    expect(perLoad).toEqual([first.loadIds[0], ...third.loadIds].map((load) => ({ load, n: 150n })));
    expect(await filesOf(join(dataset(), '_dlt_loads'))).toHaveLength(3);
  });

  it('pipeline drop deletes the files of the resource tables and stores the schema without them', async () => {
    await run();
    const dropped = await dropResources(
      { pipelineName: 'f', destination: destination(), workingDir: work() },
      ['tasks'],
    );
    expect(dropped.tables).toEqual(['tasks', 'tasks__tags', 'tasks__subtasks']);
    for (const table of dropped.tables) expect(await filesOf(join(dataset(), table))).toEqual([]);
    const reader = destination();
    await reader.open();
    const schema = await reader.storedSchema('f_dataset', 'rest_api');
    expect(await reader.isLoaded('f_dataset', dropped.loadId)).toBe(true);
    await reader.close();
    expect(schema?.version).toBe(dropped.schemaVersion);
    expect(Object.keys(schema?.tables ?? {})).not.toContain('tasks');
  });

  it('refuses merge before calling the API, naming the destinations that merge', async () => {
    const error = (await run('merge').catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /tasks have write_disposition merge.*filesystem destination.*duckdb, postgres/,
    );
    expect(api.stats.requests).toBe(0);
    expect(await filesOf(lake())).toEqual([]);
  });

  it('refuses a pending merge package at the start of its load, writing nothing', async () => {
    const writer = await LoadPackageWriter.create(work(), '1700000000.000001');
    await writer.write('tasks', [{ id: 1, _dlt_id: 'a', _dlt_load_id: '1700000000.000001' }]);
    const pkg = await writer.commit(
      {
        pipelineName: 'f',
        schemaName: 'rest_api',
        createdAt: new Date().toISOString(),
        rootTables: ['tasks'],
        state: undefined,
      },
      {
        name: 'rest_api',
        version: 1,
        version_hash: 'aGFzaA==',
        engine_version: 11,
        previous_hashes: [],
        tables: {
          tasks: {
            name: 'tasks',
            write_disposition: 'merge',
            columns: {
              id: { name: 'id', data_type: 'bigint' },
              _dlt_id: { name: '_dlt_id', data_type: 'text' },
            },
          },
        },
      },
    );
    const into = destination();
    await into.open();
    const error = await into.load(pkg, 'f_dataset').catch((e: unknown) => e);
    await into.close();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('table(s) tasks have write_disposition merge');
    expect(await filesOf(lake())).toEqual([]);
  });

  it('writes JSON lines with loader_file_format jsonl, one document per row', async () => {
    const report = await run('append', destination({ loaderFileFormat: 'jsonl' }));
    const loadId = report.loadIds[0] ?? '';
    const [file, ...more] = await filesOf(join(dataset(), 'tasks'));
    expect(more).toEqual([]);
    expect(file).toMatch(new RegExp(`^${loadId.replace('.', '\\.')}\\.[0-9a-f]{10}\\.jsonl$`));
    const lines = (await readFile(join(dataset(), 'tasks', file ?? ''), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(150);
    const rows = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(rows.map((r) => r._dlt_load_id))).toEqual(new Set([loadId]));
    expect(rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(
      (api.tasks as NestedTask[]).map((t) => t.id).sort((a, b) => Number(a) - Number(b)),
    );
    const [read] = await query(
      `SELECT count(*) AS n FROM read_json('${dataset()}/tasks__tags/*.jsonl', format = 'newline_delimited')`,
    );
    expect(read?.n).toBe(BigInt((api.tasks as NestedTask[]).reduce((n, t) => n + t.tags.length, 0)));
  });
});

describe('state in the bucket', () => {
  it('restores the cursor from the bucket when the working folder is gone', async () => {
    let events = [
      { id: 1, updated_at: 10 },
      { id: 2, updated_at: 20 },
      { id: 3, updated_at: 30 },
    ];
    const api = await startRecordingServer({
      'GET /events': ({ query }) => ({
        body: events.filter((e) => e.updated_at >= Number(query.get('since'))),
      }),
    });
    const temp = await makeTempDir();
    try {
      const resource: ResourceConfig = {
        name: 'events',
        primary_key: 'id',
        endpoint: {
          path: '/events',
          incremental: { cursor_path: 'updated_at', initial_value: 1, start_param: 'since' },
        },
      };
      const run = () =>
        runPipeline(restApiSource({ client: { base_url: api.url }, resources: [resource] }), {
          pipelineName: 'ev',
          destination: new FilesystemDestination({ bucketUrl: `file://${join(temp.dir, 'lake')}` }),
          workingDir: join(temp.dir, 'work'),
        });
      await run();
      await rm(join(temp.dir, 'work'), { recursive: true });
      events = [...events, { id: 4, updated_at: 30 }, { id: 5, updated_at: 40 }];
      await run();
      expect(api.calls()).toEqual(['GET /events?since=1', 'GET /events?since=30']);
      const ids = await query(
        `SELECT id FROM read_parquet('${join(temp.dir, 'lake/ev_dataset/events')}/*.parquet') ORDER BY id`,
      );
      expect(ids.map((r) => r.id)).toEqual([1n, 2n, 3n, 4n, 5n]);
      const reader = new FilesystemDestination({ bucketUrl: join(temp.dir, 'lake') });
      await reader.open();
      const state = await reader.storedState('ev_dataset', 'ev');
      await reader.close();
      const sourceState = state?.sources.rest_api as
        | { resources: Record<string, { incremental: object }> }
        | undefined;
      const cursor = sourceState?.resources.events?.incremental;
      expect(cursor).toMatchObject({ updated_at: { last_value: 40 } });
      expect(await filesOf(join(temp.dir, 'lake/ev_dataset/_dlt_pipeline_state'))).toHaveLength(2);
    } finally {
      await api.close();
      await temp.cleanup();
    }
  });
});
