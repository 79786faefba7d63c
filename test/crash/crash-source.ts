import { type RestApiSource, restApiSource } from '../../src/config/rest-api-source.js';

/** Every crash run is pipeline `crash`, so its tables live in dataset `crash_dataset`. */
export const CRASH_PIPELINE = 'crash';
export const CRASH_DATASET = 'crash_dataset';
/** Before every task's first `updated_at`. */
export const INITIAL_CURSOR = '2023-12-31T00:00:00Z';

/**
 * The crash loop's source: `tasks` merges on `id` with an incremental cursor on `updated_at` that the
 * API filters by (`since`), `events` appends. Small pages, so that a run makes many requests.
 */
export function crashSource(baseUrl: string): RestApiSource {
  return restApiSource({
    client: {
      base_url: baseUrl,
      paginator: { type: 'offset', limit: 20, total_path: 'total' },
      retry: { max_retries: 2, backoff_factor: 0.05 },
    },
    resources: [
      {
        name: 'tasks',
        primary_key: 'id',
        write_disposition: 'merge',
        endpoint: {
          path: 'tasks',
          data_selector: 'data',
          incremental: { cursor_path: 'updated_at', initial_value: INITIAL_CURSOR, start_param: 'since' },
        },
      },
      {
        name: 'events',
        write_disposition: 'append',
        endpoint: { path: 'events', data_selector: 'data' },
      },
    ],
  });
}
