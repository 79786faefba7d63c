import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import { generateTasks } from '../../examples/task-api/task-generator.js';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { secretRegistry } from '../../src/config/secret-registry.js';
import { filesystemOptionsFromEnv } from '../../src/destinations/filesystem/filesystem-config.js';
import { FilesystemDestination } from '../../src/destinations/filesystem/filesystem-destination.js';
import type { TributaryError } from '../../src/errors/tributary-error.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { startRecordingServer } from '../support/recording-server.js';
import { runCli } from '../support/run-cli.js';
import {
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
  type S3Server,
  startS3Server,
} from '../support/s3-server.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('the filesystem destination on S3 (s3rver on 127.0.0.1)', () => {
  let s3: S3Server;
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  const credentials = () => ({
    awsAccessKeyId: S3_ACCESS_KEY_ID,
    awsSecretAccessKey: S3_SECRET_ACCESS_KEY,
    endpointUrl: s3.endpoint,
  });
  const destination = (bucketUrl = `s3://${s3.bucket}/raw`) =>
    new FilesystemDestination({ bucketUrl, credentials: credentials() });
  const source = () =>
    restApiSource({
      client: {
        base_url: api.url,
        auth: { type: 'api_key', name: 'api_key', api_key: DEMO_API_KEY, location: 'query' },
      },
      resources: [
        {
          name: 'tasks',
          write_disposition: 'append',
          endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
        },
      ],
    });
  const run = () =>
    runPipeline(source(), {
      pipelineName: 's3p',
      destination: destination(),
      workingDir: join(temp.dir, 'work'),
    });
  const client = () =>
    new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
    });
  const listKeys = async (prefix: string) => {
    const reply = await client().send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (reply.Contents ?? []).map((o) => o.Key ?? '').sort();
  };
  const download = async (key: string, path: string) => {
    const reply = await client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    await writeFile(
      path,
      await (reply.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    return path;
  };

  beforeAll(async () => {
    s3 = await startS3Server();
    api = await startTaskApi({ count: 10 });
  });
  afterAll(async () => {
    await api.close();
    await s3.close();
  });
  beforeEach(async () => {
    temp = await makeTempDir();
    api.setTasks(generateTasks({ count: 120, seed: 4 }));
    return temp.cleanup;
  });

  it('appends two runs into the bucket and reads loads, schema, state and row counts back', async () => {
    const first = await run();
    const second = await run();
    const loadIds = [...first.loadIds, ...second.loadIds];
    const reader = destination();
    await reader.open();
    try {
      const facts = await reader.inspect('s3p_dataset', 10);
      expect(facts.loads.map((l) => l.loadId)).toEqual([...loadIds].reverse());
      expect(facts.tables.find((t) => t.name === 'tasks')?.rows).toBe(240);
      expect(await reader.isLoaded('s3p_dataset', loadIds[1] ?? '')).toBe(true);
      expect(await reader.isLoaded('s3p_dataset', '1.5')).toBe(false);
      expect(
        (await reader.storedSchema('s3p_dataset', 'rest_api'))?.tables.tasks?.columns.id?.data_type,
      ).toBe('bigint');
      expect((await reader.storedState('s3p_dataset', 's3p'))?.pipeline_name).toBe('s3p');
    } finally {
      await reader.close();
    }
    // The Parquet objects as uploaded, fetched through the S3 API and read by DuckDB.
    const keys = await listKeys('raw/s3p_dataset/tasks/');
    expect(keys.map((k) => k.split('/').at(-1)?.split('.').slice(0, 2).join('.'))).toEqual(loadIds);
    const paths = await Promise.all(keys.map((key, i) => download(key, join(temp.dir, `${i}.parquet`))));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const list = paths.map((p) => `'${p}'`).join(', ');
      const rows = await connection.runAndReadAll(
        `SELECT _dlt_load_id, count(*), count(DISTINCT id) FROM read_parquet([${list}]) GROUP BY 1 ORDER BY 1`,
      );
      expect(rows.getRows()).toEqual(loadIds.map((id) => [id, 120n, 120n]));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('restores the cursor from the bucket when the working folder is gone', async () => {
    let events = [
      { id: 1, updated_at: 10 },
      { id: 2, updated_at: 20 },
    ];
    const server = await startRecordingServer({
      'GET /events': ({ query }) => ({
        body: events.filter((e) => e.updated_at >= Number(query.get('since'))),
      }),
    });
    try {
      const runEvents = () =>
        runPipeline(
          restApiSource({
            client: { base_url: server.url },
            resources: [
              {
                name: 'events',
                primary_key: 'id',
                endpoint: {
                  path: '/events',
                  incremental: { cursor_path: 'updated_at', initial_value: 1, start_param: 'since' },
                },
              },
            ],
          }),
          { pipelineName: 'ev', destination: destination(), workingDir: join(temp.dir, 'work') },
        );
      await runEvents();
      await rm(join(temp.dir, 'work'), { recursive: true });
      events = [...events, { id: 3, updated_at: 30 }];
      await runEvents();
      expect(server.calls()).toEqual(['GET /events?since=1', 'GET /events?since=20']);
      expect(await listKeys('raw/ev_dataset/_dlt_pipeline_state/')).toHaveLength(2);
      const reader = destination();
      await reader.open();
      const facts = await reader.inspect('ev_dataset', 10);
      await reader.close();
      expect(facts.tables.find((t) => t.name === 'events')?.rows).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('fails with a clear error for a bucket that does not exist, and no retry helps', async () => {
    const error = (await runPipeline(source(), {
      pipelineName: 's3p',
      destination: destination('s3://no-such-bucket/x'),
      workingDir: join(temp.dir, 'work'),
    }).catch((e: unknown) => e)) as TributaryError;
    expect(error.code).toBe('DESTINATION');
    expect(error.message).toMatch(
      /S3 ListObjectsV2 s3:\/\/no-such-bucket\/x\/s3p_dataset\/.* failed: NoSuchBucket \(404\)/,
    );
    expect(error.retryable).toBe(false);
  });

  it('reads the bucket and credentials from dlt variables and keeps the secret out of every line', async () => {
    const options = filesystemOptionsFromEnv({
      DESTINATION__FILESYSTEM__BUCKET_URL: 's3://lake/x',
      DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-K7MDENG-EXAMPLEKEY',
      DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL: 'http://127.0.0.1:1',
      DESTINATION__FILESYSTEM__CREDENTIALS__REGION_NAME: 'eu-central-1',
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: 'jsonl',
    });
    expect(options).toEqual({
      bucketUrl: 's3://lake/x',
      loaderFileFormat: 'jsonl',
      credentials: {
        awsAccessKeyId: 'AKIDEXAMPLE',
        awsSecretAccessKey: 'wJalrXUtnFEMI-K7MDENG-EXAMPLEKEY',
        endpointUrl: 'http://127.0.0.1:1',
        regionName: 'eu-central-1',
      },
    });
    expect(secretRegistry.redact('key wJalrXUtnFEMI-K7MDENG-EXAMPLEKEY')).toBe('key ***');
  });

  it('runs the CLI into s3:// with credentials from the environment, printing no secret or SDK warning', async () => {
    const config = join(temp.dir, 'tasks.yaml');
    const seed = await readFile(resolve('examples/task_management.yaml'), 'utf8');
    await writeFile(
      config,
      seed
        .replace('http://127.0.0.1:8000', api.url)
        .replace('write_disposition: merge', 'write_disposition: append'),
    );
    const result = await runCli(['run', config, '--destination', 'filesystem'], {
      cwd: temp.dir,
      env: {
        API_KEY: DEMO_API_KEY,
        TRIBUTARY_HOME: join(temp.dir, 'home'),
        DESTINATION__FILESYSTEM__BUCKET_URL: `s3://${s3.bucket}/cli`,
        DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
        DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
        DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL: s3.endpoint,
      },
    });
    // Progress lines only: nothing from the AWS SDK (no Node version warning, no body warnings).
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z /.test(line))).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`loaded into filesystem (s3://${s3.bucket}/cli), dataset tasks_dataset`);
    expect(result.stdout).toMatch(/task_management\s+120/);
    expect(result.stdout + result.stderr).not.toContain(S3_SECRET_ACCESS_KEY);
  });
});
