import { deref, isObject, type JsonObject } from './openapi-document.js';

/** The auth for the config (secrets as `{secrets.x}` references), the secret keys it needs, and why. */
export interface AuthGuess {
  auth: Record<string, unknown> | undefined;
  /** Dotted secret keys the auth references (`api_key` → env `API_KEY`). */
  secrets: string[];
  note: string | undefined;
}

/** The secret key each auth type reads; see `secrets.ts` for how `{secrets.x}` resolves. */
export const AUTH_SECRETS = {
  api_key: ['api_key'],
  bearer: ['api_token'],
  http_basic: ['api_username', 'api_password'],
  oauth2_client_credentials: ['client_id', 'client_secret'],
} as const;

const ref = (key: string) => `{secrets.${key}}`;

export function bearerAuth(): Record<string, unknown> {
  return { type: 'bearer', token: ref('api_token') };
}

export function apiKeyAuth(name: string, location: string): Record<string, unknown> {
  return { type: 'api_key', name, api_key: ref('api_key'), location };
}

export function httpBasicAuth(): Record<string, unknown> {
  return { type: 'http_basic', username: ref('api_username'), password: ref('api_password') };
}

/** The names of the security schemes the API requires, most used first (global, then per operation). */
function requiredSchemes(doc: JsonObject): string[] {
  const uses = new Map<string, number>();
  const count = (requirements: unknown, weight: number) => {
    if (!Array.isArray(requirements)) return;
    for (const requirement of requirements) {
      if (!isObject(requirement)) continue;
      for (const name of Object.keys(requirement)) uses.set(name, (uses.get(name) ?? 0) + weight);
    }
  };
  count(doc.security, 1_000_000);
  for (const item of Object.values(doc.paths as JsonObject)) {
    const pathItem = deref(doc, item);
    const get = pathItem === undefined ? undefined : deref(doc, pathItem.get);
    if (get !== undefined) count(get.security, 1);
  }
  return [...uses.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

function fromScheme(name: string, scheme: JsonObject): AuthGuess {
  const type = String(scheme.type ?? '').toLowerCase();
  if (type === 'apikey') {
    const location = scheme.in === 'query' || scheme.in === 'cookie' ? scheme.in : 'header';
    const keyName = typeof scheme.name === 'string' ? scheme.name : 'Authorization';
    return {
      auth: apiKeyAuth(keyName, location),
      secrets: [...AUTH_SECRETS.api_key],
      note: `api_key from the security scheme "${name}" (${keyName} in the ${location})`,
    };
  }
  if (type === 'http') {
    const httpScheme = String(scheme.scheme ?? '').toLowerCase();
    if (httpScheme === 'basic') {
      return {
        auth: httpBasicAuth(),
        secrets: [...AUTH_SECRETS.http_basic],
        note: `http_basic from "${name}"`,
      };
    }
    if (httpScheme === 'bearer') {
      return { auth: bearerAuth(), secrets: [...AUTH_SECRETS.bearer], note: `bearer from "${name}"` };
    }
    return {
      auth: undefined,
      secrets: [],
      note: `the scheme "${name}" (HTTP ${httpScheme}) is not supported: add auth yourself`,
    };
  }
  if (type === 'oauth2' && isObject(scheme.flows)) {
    const flow = isObject(scheme.flows.clientCredentials) ? scheme.flows.clientCredentials : undefined;
    if (flow !== undefined && typeof flow.tokenUrl === 'string') {
      const scopes = isObject(flow.scopes) ? Object.keys(flow.scopes) : [];
      return {
        auth: {
          type: 'oauth2_client_credentials',
          access_token_url: flow.tokenUrl,
          client_id: ref('client_id'),
          client_secret: ref('client_secret'),
          ...(scopes.length > 0 ? { access_token_request_data: { scope: scopes.join(' ') } } : {}),
        },
        secrets: [...AUTH_SECRETS.oauth2_client_credentials],
        note: `oauth2_client_credentials from "${name}"${scopes.length > 0 ? ' (every scope the spec lists is asked for: trim them)' : ''}`,
      };
    }
  }
  if (type === 'oauth2' || type === 'openidconnect') {
    return {
      auth: bearerAuth(),
      secrets: [...AUTH_SECRETS.bearer],
      note: `bearer: "${name}" is ${type} without a client-credentials flow; get an access token yourself and set it as the secret`,
    };
  }
  return {
    auth: undefined,
    secrets: [],
    note: `the scheme "${name}" (${type || 'no type'}) is not supported: add auth yourself`,
  };
}

/**
 * Guesses the auth from `components.securitySchemes` and the `security` requirements: the scheme
 * required most (globally, else by the most GET operations), or the only one defined. apiKey →
 * api_key (its name and location); HTTP bearer/basic → bearer/http_basic; OAuth2 client credentials
 * → oauth2_client_credentials with the token URL. Credentials are `{secrets.…}` references.
 */
export function inferAuth(doc: JsonObject): AuthGuess {
  const components = deref(doc, doc.components);
  const schemes =
    components !== undefined && isObject(components.securitySchemes) ? components.securitySchemes : {};
  const defined = Object.keys(schemes);
  const required = requiredSchemes(doc).filter((name) => name in schemes);
  const chosen = required[0] ?? (defined.length === 1 ? defined[0] : undefined);
  if (chosen === undefined) {
    return {
      auth: undefined,
      secrets: [],
      note:
        defined.length > 1
          ? `no GET operation requires one of the schemes ${defined.join(', ')}: no auth`
          : undefined,
    };
  }
  const scheme = deref(doc, schemes[chosen]) ?? {};
  const guess = fromScheme(chosen, scheme);
  const others = [...new Set([...required, ...defined])].filter((name) => name !== chosen);
  return others.length === 0
    ? guess
    : { ...guess, note: `${guess.note}; the spec also has ${others.join(', ')}` };
}
