import type { AuthConfig } from '../../config/auth-schema.js';
import { secretRegistry } from '../../config/secret-registry.js';
import type { Authenticator } from '../http/request-spec.js';
import { apiKeyAuth } from './api-key-auth.js';
import { bearerAuth } from './bearer-auth.js';
import { httpBasicAuth } from './http-basic-auth.js';

/** Builds the authenticator for an auth config; every credential is registered for redaction. */
export function createAuthenticator(config: AuthConfig | null | undefined): Authenticator | undefined {
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
    default: {
      const unknown: never = config;
      throw new Error(`unknown auth ${String(unknown)}`);
    }
  }
}
