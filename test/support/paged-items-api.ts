import { afterAll, beforeAll, beforeEach } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { type PipelineOptions, runPipeline } from '../../src/pipeline/run-pipeline.js';
import { type RecordingServer, startRecordingServer } from './recording-server.js';

/** Records per page of {@link usePagedItemsApi}'s `GET /items`. */
export const PAGED_ITEMS_PAGE = 10;

/** What {@link usePagedItemsApi} gives a test file. */
export interface PagedItemsApi {
  /**
   * The records `GET /items?offset=` pages through from now on. `beforePage`, when given, is awaited
   * before each page after the first is answered (a test holds the walk back with it).
   */
  serve(
    records: Array<Record<string, unknown>>,
    options?: { beforePage?: (offset: number) => Promise<void> },
  ): void;
  /** Pages from this offset on answer 404, a failure no retry helps (reset before each test). */
  failFrom(offset: number): void;
  /**
   * Runs a pipeline over one resource `items` (offset pages of 10 under `data`, with `total`;
   * `resource` adds to it), one page at a time so that "served last" is the package's order, and
   * with a new package file every 300 bytes, so that a table's rows span several files.
   */
  run(resource: Record<string, unknown>, options: PipelineOptions): ReturnType<typeof runPipeline>;
}

/**
 * Registers, in the calling file or describe block, a server on 127.0.0.1 whose `GET /items`
 * pages through the records last given to `serve`.
 */
export function usePagedItemsApi(): PagedItemsApi {
  let server: RecordingServer | undefined;
  let served: Array<Record<string, unknown>> = [];
  let failFrom = Number.POSITIVE_INFINITY;
  let beforePage: ((offset: number) => Promise<void>) | undefined;
  beforeAll(async () => {
    server = await startRecordingServer({
      'GET /items': async (request) => {
        const offset = Number(request.query.get('offset') ?? 0);
        if (offset > 0) await beforePage?.(offset);
        if (offset >= failFrom) return { status: 404, body: { error: 'gone' } };
        return { body: { data: served.slice(offset, offset + PAGED_ITEMS_PAGE), total: served.length } };
      },
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    failFrom = Number.POSITIVE_INFINITY;
    beforePage = undefined;
  });
  return {
    serve(records, options = {}) {
      served = records;
      beforePage = options.beforePage;
    },
    failFrom(offset) {
      failFrom = offset;
    },
    run(resource, options) {
      if (server === undefined) throw new Error('usePagedItemsApi: the server is only there inside a test');
      return runPipeline(
        restApiSource({
          client: { base_url: server.url },
          resources: [
            {
              name: 'items',
              endpoint: {
                path: 'items',
                data_selector: 'data',
                paginator: { type: 'offset', limit: PAGED_ITEMS_PAGE, total_path: 'total' },
              },
              ...resource,
            },
          ],
        }),
        { concurrency: 1, packagePartBytes: 300, ...options },
      );
    },
  };
}
