// The seed config as a TypeScript module: `secrets.api_key` mirrors dlt.secrets["api_key"].
import { restApiSource, secrets } from 'tributary';

export default restApiSource({
  client: {
    // A TypeScript config can compute values; the tests point it at their local task API.
    base_url: process.env.TASK_API_URL ?? 'http://127.0.0.1:8000',
    auth: { type: 'api_key', name: 'api_key', api_key: secrets.get('api_key'), location: 'query' },
    retry: { max_retries: 3, backoff_factor: 2, status_codes: [429, 500, 502, 503, 504] },
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
