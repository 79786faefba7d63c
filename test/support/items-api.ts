import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import type { Destination } from '../../src/destinations/destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type RecordingServer, startRecordingServer } from './recording-server.js';
import { makeTempDir } from './temp-dir.js';

/** What {@link useItemsApi} gives a describe block. */
export interface ItemsApi {
  /** The server's base URL (127.0.0.1). */
  readonly url: string;
  /** This test's own temporary folder, removed after it. */
  readonly dir: string;
  /** The records `GET /items` answers with from now on, as one JSON array. */
  serve(records: Array<Record<string, unknown>>): void;
  /**
   * Runs pipeline `name` over one resource `items` (primary key `id`, endpoint `items`; `resource`
   * overrides any of it) into `destination`, working in this test's folder.
   */
  runItems(
    name: string,
    destination: Destination,
    resource?: Record<string, unknown>,
  ): ReturnType<typeof runPipeline>;
}

/**
 * Registers, in the calling describe block, a server on 127.0.0.1 whose `GET /items` answers with
 * the records last given to `serve`, and a fresh temporary folder for each test.
 */
export function useItemsApi(tempPrefix: string): ItemsApi {
  let server: RecordingServer | undefined;
  let temp: { dir: string; cleanup: () => Promise<void> } | undefined;
  let served: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': () => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(served) }),
    });
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    const made = await makeTempDir(tempPrefix);
    temp = made;
    return () => made.cleanup();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useItemsApi: ${what} is only there inside a test`);
    return value;
  };
  return {
    get url() {
      return started(server, 'the server').url;
    },
    get dir() {
      return started(temp, 'the folder').dir;
    },
    serve(records) {
      served = records;
    },
    runItems(name, destination, resource = {}) {
      return runPipeline(
        restApiSource({
          client: { base_url: this.url },
          resources: [{ name: 'items', primary_key: 'id', endpoint: { path: 'items' }, ...resource }],
        }),
        { pipelineName: name, destination, workingDir: join(this.dir, 'work') },
      );
    },
  };
}
