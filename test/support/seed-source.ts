import type { RestApiSource } from '../../src/config/rest-api-source.js';
import { restApiSource } from '../../src/config/rest-api-source.js';

/**
 * The seed config as an object, pointed at a local task API. `backoffFactor` is lowered in tests
 * so that retries of dropped connections do not wait seconds; the policy is otherwise the seed's.
 */
export function seedSource(
  baseUrl: string,
  apiKey: string,
  options: { backoffFactor?: number } = {},
): RestApiSource {
  return restApiSource({
    client: {
      base_url: baseUrl,
      auth: { type: 'api_key', name: 'api_key', api_key: apiKey, location: 'query' },
      retry: {
        max_retries: 3,
        backoff_factor: options.backoffFactor ?? 2,
        status_codes: [429, 500, 502, 503, 504],
      },
    },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      {
        name: 'task_management',
        endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
        columns: {
          id: { data_type: 'bigint', nullable: false },
          name: { data_type: 'text', nullable: false },
          status: { data_type: 'text', nullable: true },
          created_at: { data_type: 'timestamp', nullable: true },
        },
      },
    ],
  });
}
