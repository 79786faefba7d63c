import type { AuthConfig } from '../../config/auth-schema.js';
import { secretRegistry } from '../../config/secret-registry.js';
import type { HttpClient } from '../http/http-client.js';
import type { Authenticator } from '../http/request-spec.js';
import { apiKeyAuth } from './api-key-auth.js';
import { bearerAuth } from './bearer-auth.js';
import { httpBasicAuth } from './http-basic-auth.js';
import { oauth2ClientCredentialsAuth } from './oauth2-client-credentials-auth.js';

export interface AuthDeps {
  http: HttpClient;
  now: () => number;
  resource: string;
}

/** Builds the authenticator for an auth config; every credential is registered for redaction. */
export function createAuthenticator(
  config: AuthConfig | null | undefined,
  deps: AuthDeps,
): Authenticator | undefined {
  if (config === null || config === undefined) return undefined;
  switch (config.type) {
    case 'bearer':
      secretRegistry.add(config.token);
      return bearerAuth(config.token);
    case 'api_key':
      secretRegistry.add(config.api_key);
      return apiKeyAuth(config);
    case 'http_basic':
      secretRegistry.add(config.password);
      return httpBasicAuth(config.username, config.password);
    case 'oauth2_client_credentials':
      secretRegistry.add(config.client_secret);
      if (config.access_token) secretRegistry.add(config.access_token);
      return oauth2ClientCredentialsAuth(config, deps);
    default: {
      const unknown: never = config;
      throw new Error(`unknown auth ${String(unknown)}`);
    }
  }
}
