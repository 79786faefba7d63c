import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import type { TributaryError } from '../../src/errors/tributary-error.js';
import { type PipelineOptions, runPipeline } from '../../src/pipeline/run-pipeline.js';
import { startRecordingServer } from '../support/recording-server.js';
import { makeTempDir } from '../support/temp-dir.js';

/** One run of a single-page `items` resource from `baseUrl` into `<dir>/<name>.duckdb`. */
function runItems(baseUrl: string, dir: string, name: string, options: Partial<PipelineOptions>) {
  return runPipeline(
    restApiSource({
      client: { base_url: baseUrl },
      resources: [{ name: 'items', endpoint: { path: '/items', paginator: 'single_page' } }],
    }),
    {
      pipelineName: 'items',
      destination: new DuckDbDestination(join(dir, `${name}.duckdb`)),
      workingDir: join(dir, `work-${name}`),
      ...options,
    },
  );
}

describe('recording into a folder', () => {
  it('refuses a folder that holds other files, and replaces a cassette already there', async () => {
    const temp = await makeTempDir('tributary-cassette-dir-');
    const server = await startRecordingServer({ 'GET /items': () => ({ body: [{ id: 1 }] }) });
    const run = (name: string, record: string) => runItems(server.url, temp.dir, name, { record });
    try {
      await writeFile(join(temp.dir, 'notes.txt'), 'mine');
      const refused = await run('a', temp.dir).catch((error: unknown) => error);
      expect((refused as TributaryError).code).toBe('CASSETTE');
      expect((refused as Error).message).toContain('holds files but no cassette.json');
      const cassette = join(temp.dir, 'cassette');
      await run('b', cassette);
      await writeFile(join(cassette, 'interactions', 'stale.json'), '{}');
      await run('c', cassette);
      expect(await readdir(join(cassette, 'interactions'))).toHaveLength(1);
    } finally {
      await server.close();
      await temp.cleanup();
    }
  });
});

describe('replaying recorded waits', () => {
  it('replays a 429 with Retry-After as a retry, without sleeping', async () => {
    const temp = await makeTempDir('tributary-cassette-wait-');
    let calls = 0;
    const server = await startRecordingServer({
      'GET /items': () =>
        ++calls === 1
          ? { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } }
          : { body: [{ id: 1 }, { id: 2 }] },
    });
    const sleeps: number[] = [];
    const run = (name: string, options: { record?: string; replay?: string }) =>
      runItems(server.url, temp.dir, name, {
        runtime: {
          sleep: (ms) => {
            sleeps.push(ms);
            return new Promise((resolve) => setTimeout(resolve, ms));
          },
        },
        ...options,
      });
    try {
      const recorded = await run('a', { record: join(temp.dir, 'cassette') });
      expect(recorded.retries).toBe(1);
      expect(sleeps).toEqual([1000]);
      sleeps.length = 0;
      const replayed = await run('b', { replay: join(temp.dir, 'cassette') });
      expect(replayed.retries).toBe(1);
      expect(replayed.rows).toEqual(recorded.rows);
      expect(sleeps).toEqual([]);
      expect(calls).toBe(2);
    } finally {
      await server.close();
      await temp.cleanup();
    }
  });
});
