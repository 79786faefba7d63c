/**
 * The hardening suites' source: `items` over offset pages, merged on `id`, incremental on
 * `updated_at`. The key is a `{secrets.api_key}` template by default: the CLI resolves it from env
 * `API_KEY`; the library gets `apiKey` as is.
 */
export function itemsConfig(
  baseUrl: string,
  options: { retry: Record<string, number>; limit: number; apiKey?: string; timeout?: number },
) {
  return {
    client: {
      base_url: baseUrl,
      auth: {
        type: 'api_key',
        name: 'api_key',
        api_key: options.apiKey ?? '{secrets.api_key}',
        location: 'query',
      },
      retry: options.retry,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    },
    resources: [
      {
        name: 'items',
        primary_key: 'id',
        write_disposition: 'merge',
        endpoint: {
          path: '/items',
          data_selector: 'data',
          paginator: { type: 'offset', limit: options.limit },
          incremental: { cursor_path: 'updated_at', initial_value: '2000-01-01T00:00:00Z' },
        },
      },
    ],
  };
}
