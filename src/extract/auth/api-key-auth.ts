import type { ApiKeyAuthConfig } from '../../config/auth-schema.js';
import type { Authenticator } from '../http/request-spec.js';

/**
 * An API key in a header (dlt's default: `Authorization`, the raw key without prefix), in the
 * query string (`query` or its alias `param`, appended after the other parameters) or in a cookie.
 */
export function apiKeyAuth(config: ApiKeyAuthConfig): Authenticator {
  const name = config.name ?? 'Authorization';
  const location = config.location ?? 'header';
  return {
    apply({ url, headers }) {
      switch (location) {
        case 'header':
          headers[name] = config.api_key;
          return;
        case 'query':
        case 'param':
          url.searchParams.append(name, config.api_key);
          return;
        case 'cookie': {
          // dlt validates `cookie` but fails at request time; we send it (documented difference).
          const pair = `${name}=${encodeURIComponent(config.api_key)}`;
          headers.cookie = headers.cookie ? `${headers.cookie}; ${pair}` : pair;
          return;
        }
      }
    },
  };
}
