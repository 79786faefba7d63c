import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import { loadConfigFile } from '../../src/config/load-config-file.js';
import { restApiSource } from '../../src/config/rest-api-source.js';
import type { SecretSources } from '../../src/config/secrets.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { startRecordingServer } from '../support/recording-server.js';
import { makeTempDir } from '../support/temp-dir.js';

import { configYaml, FAKE_KEY, readAll, secretForms, snapshot } from './cassette-test-support.js';

describe('record and replay (library)', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let api: TaskApi;
  let config: string;
  let cassette: string;
  const noSecrets = (): SecretSources => ({ env: {}, projectDir: temp.dir, placeholders: true });
  const run = async (name: string, options: { record?: string; replay?: string }, secrets = noSecrets()) =>
    runPipeline(await loadConfigFile(config, { secrets }), {
      pipelineName: 'tasks',
      destination: new DuckDbDestination(join(temp.dir, `${name}.duckdb`)),
      workingDir: join(temp.dir, `work-${name}`),
      ...options,
    });

  beforeAll(async () => {
    temp = await makeTempDir('tributary-cassette-');
    cassette = join(temp.dir, 'cassette');
    api = await startTaskApi({
      count: 60,
      seed: 5,
      apiKey: FAKE_KEY,
      faults: { rate: 0.15, seed: 4, kinds: ['503', '429', 'drop'], retryAfter: 'none' },
    });
    config = join(temp.dir, 'tasks.yaml');
    await writeFile(config, configYaml(api.url));
  });
  afterAll(async () => {
    await api.close();
    await temp.cleanup();
  });

  it('records a run with retries and replays it with the server stopped into the same tables', async () => {
    const recorded = await run(
      'a',
      { record: cassette },
      { env: { API_KEY: FAKE_KEY }, projectDir: temp.dir },
    );
    expect(api.stats.byStatus['503'] ?? 0).toBeGreaterThan(0);
    expect(api.stats.byStatus['429'] ?? 0).toBeGreaterThan(0);
    expect(api.stats.dropped).toBeGreaterThan(0);
    const { byStatus, dropped } = api.stats;
    expect(recorded.retries).toBe((byStatus['503'] ?? 0) + (byStatus['429'] ?? 0) + dropped);
    await api.close(); // the config now points at a closed port

    const replayed = await run('b', { replay: cassette });
    expect(replayed.rows).toEqual(recorded.rows);
    expect(replayed.requests).toBe(recorded.requests);
    expect(replayed.retries).toBe(recorded.retries);
    const [a, b] = [await snapshot(join(temp.dir, 'a.duckdb')), await snapshot(join(temp.dir, 'b.duckdb'))];
    expect(Object.keys(a).sort()).toEqual([
      'columns',
      'task_details',
      'task_details__subtasks',
      'task_details__tags',
      'tasks',
      'tasks__subtasks',
      'tasks__tags',
    ]);
    expect(a.tasks).toHaveLength(60);
    expect(a.task_details).toHaveLength(60);
    expect(b).toEqual(a);
  });

  it('keeps no secret in the cassette, in any encoding, and writes a readable index', async () => {
    const text = await readAll(cassette);
    for (const form of secretForms(FAKE_KEY)) expect(text).not.toContain(form);
    expect(text).toContain('api_key=***');
    const index = JSON.parse(await readFile(join(cassette, 'cassette.json'), 'utf8'));
    expect(index).toMatchObject({
      format: 'tributary-cassette',
      version: 1,
      tool: expect.stringMatching(/^tributary \d/),
    });
    const outcomes = index.interactions.map((i: { outcome: number | string }) => i.outcome);
    expect(outcomes).toContain(503);
    expect(outcomes).toContain(429);
    expect(outcomes).toContain('error'); // a dropped connection, replayed as one
    const first = JSON.parse(await readFile(join(cassette, index.interactions[0].file), 'utf8'));
    expect(first.request).toMatchObject({ method: 'GET', body: null });
    // Compact JSON is stored as JSON (a readable diff); it replays as the same bytes.
    expect(first.response.body.encoding).toBe('json');
    expect(first.response.headers['content-type']).toMatch(/json/);
  });

  it('fails on a request the cassette does not hold, naming it and the cassette', async () => {
    await writeFile(config, configYaml(api.url, 30));
    const failed = await run('c', { replay: cassette }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(TributaryError);
    expect((failed as TributaryError).code).toBe('CASSETTE');
    const message = (failed as Error).message;
    expect(message).toContain(
      `GET ${api.url}/v1/tasks?offset=0&limit=30&api_key=*** has no recorded response`,
    );
    expect(message).toContain(`in the cassette ${cassette}`);
    expect(message).toContain('limit=20');
    expect(message).not.toContain('replay-placeholder');
  });
});

describe('record and replay of OAuth2 and an API that echoes credentials', () => {
  const CLIENT_SECRET = 'client_secret_RECORD_4471';
  const TOKEN = 'access_token_RECORD_9925';

  it('stores tokens as placeholders, drops cookies, masks echoes, and replays without the server', async () => {
    const temp = await makeTempDir('tributary-cassette-oauth-');
    const server = await startRecordingServer({
      'POST /token': () => ({
        headers: { 'set-cookie': `session=${TOKEN}` },
        body: { access_token: TOKEN, refresh_token: 'refresh_RECORD_1234', expires_in: 3600 },
      }),
      'GET /items': ({ headers }) =>
        headers.authorization === `Bearer ${TOKEN}`
          ? {
              headers: { 'x-echo': CLIENT_SECRET },
              body: [
                { id: 1, note: `secret ${CLIENT_SECRET}` },
                { id: 2, note: 'plain' },
              ],
            }
          : { status: 401, body: { error: 'no token' } },
    });
    const config = (env: Record<string, string>, placeholders: boolean) =>
      restApiSource(
        {
          client: {
            base_url: server.url,
            auth: {
              type: 'oauth2_client_credentials',
              access_token_url: `${server.url}/token`,
              client_id: 'tributary-test',
            },
          },
          resources: [{ name: 'items', endpoint: { path: '/items', paginator: 'single_page' } }],
        },
        { secrets: { env, projectDir: temp.dir, placeholders } },
      );
    const run = (name: string, env: Record<string, string>, options: { record?: string; replay?: string }) =>
      runPipeline(config(env, options.replay !== undefined), {
        pipelineName: 'items',
        destination: new DuckDbDestination(join(temp.dir, `${name}.duckdb`)),
        workingDir: join(temp.dir, `work-${name}`),
        ...options,
      });
    const cassette = join(temp.dir, 'cassette');
    try {
      await run('a', { CREDENTIALS__CLIENT_SECRET: CLIENT_SECRET }, { record: cassette });
      const sent = server.requests.length;
      await run('b', {}, { replay: cassette });
      expect(server.requests.length).toBe(sent);
      const rows = (file: string) =>
        withDuckDb(join(temp.dir, file), (q) => q('SELECT id, note FROM items_dataset.items ORDER BY id'));
      expect(await rows('b.duckdb')).toEqual(await rows('a.duckdb'));
      const text = await readAll(cassette);
      for (const secret of [CLIENT_SECRET, TOKEN, 'refresh_RECORD_1234']) {
        for (const form of secretForms(secret)) expect(text).not.toContain(form);
      }
      expect(text).toContain('recorded-access-token');
      expect(text).not.toContain('set-cookie');
      expect(text).toContain('client_secret=***');
    } finally {
      await server.close();
      await temp.cleanup();
    }
  });
});
