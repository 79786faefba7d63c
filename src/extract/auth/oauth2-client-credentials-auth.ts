import type { OAuth2ClientCredentialsConfig } from '../../config/auth-schema.js';
import { redactUrl, secretRegistry } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import type { HttpClient } from '../http/http-client.js';
import { parseJsonBody } from '../http/json-body.js';
import type { Authenticator } from '../http/request-spec.js';
import { buildHttpRequest } from '../http/request-spec.js';

/** Renew this long before the token's stated expiry, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 5_000;

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): a token is fetched before the first request,
 * cached until it expires (`expires_in`, else `default_token_expiration`, 3600 s), and fetched anew
 * once when the API answers 401. The client authenticates with its secret in the form body (dlt's
 * way) or, with `client_auth_method: client_secret_basic`, as HTTP Basic (dlt#4206).
 */
export function oauth2ClientCredentialsAuth(
  config: OAuth2ClientCredentialsConfig,
  deps: { http: HttpClient; now: () => number; resource: string },
): Authenticator {
  let token = config.access_token ?? undefined;
  let expiresAt = token === undefined ? 0 : Number.POSITIVE_INFINITY;
  let pending: Promise<void> | undefined;

  const fetchToken = async () => {
    const basic = config.client_auth_method === 'client_secret_basic';
    const form: Record<string, unknown> = {
      ...(basic ? {} : { client_id: config.client_id, client_secret: config.client_secret }),
      grant_type: 'client_credentials',
      ...config.access_token_request_data,
    };
    const headers: Record<string, string> = {};
    if (basic) {
      // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic.
      const pair = `${encodeURIComponent(config.client_id)}:${encodeURIComponent(config.client_secret)}`;
      const encoded = Buffer.from(pair).toString('base64');
      secretRegistry.add(encoded);
      headers.Authorization = `Basic ${encoded}`;
    }
    const request = await buildHttpRequest({
      method: 'POST',
      url: config.access_token_url,
      params: {},
      headers,
      data: form,
    });
    const response = await deps.http.send(request, deps.resource);
    const body = parseJsonBody(response, 'POST', config.access_token_url);
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (fields.access_token === undefined || fields.access_token === null) {
      throw new TributaryError(
        'HTTP_STATUS',
        `POST ${redactUrl(config.access_token_url)} returned no access_token`,
      );
    }
    token = String(fields.access_token);
    secretRegistry.add(token);
    const seconds =
      fields.expires_in === undefined ? (config.default_token_expiration ?? 3600) : Number(fields.expires_in);
    expiresAt = deps.now() + seconds * 1000 - EXPIRY_MARGIN_MS;
  };

  /** One token request at a time, however many requests wait for it. */
  const ensureToken = async (force: boolean) => {
    if (!force && token !== undefined && deps.now() < expiresAt) return;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    await pending;
  };

  return {
    async apply({ headers }) {
      await ensureToken(false);
      for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
      headers.Authorization = `Bearer ${token}`;
    },
    async refresh() {
      await ensureToken(true);
      return true;
    },
  };
}
