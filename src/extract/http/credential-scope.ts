import { secretRegistry } from '../../config/secret-registry.js';

/** Headers that carry credentials whoever set them (RFC 9110 §11.6.2, §11.7.1; RFC 6265 `Cookie`). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * The origins (scheme, host and port) that may receive one resource's credentials: the `base_url`'s,
 * and the endpoint's when its configured `path` is itself an absolute URL (the config chose that
 * host). A next link or a redirect to any other origin is sent without them.
 *
 * @example
 * credentialOrigins('https://api.example.com/v1', 'tasks', 'https://api.example.com/v1/tasks')
 * // ['https://api.example.com']
 */
export function credentialOrigins(baseUrl: string, configuredPath: string, firstUrl: string): string[] {
  const origins = new Set<string>();
  const base = originOf(baseUrl);
  if (base !== undefined) origins.add(base);
  const own = /^https?:\/\//i.test(configuredPath) ? originOf(firstUrl) : undefined;
  if (own !== undefined) origins.add(own);
  return [...origins];
}

/**
 * Whether credentials may follow a redirect from `from` to `to`: on the same origin, or (as Python
 * `requests`' `should_strip_auth` allows) from http to https on the same host with default ports.
 */
export function keepsCredentials(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return true;
  return (
    from.protocol === 'http:' &&
    to.protocol === 'https:' &&
    from.hostname === to.hostname &&
    from.port === '' &&
    to.port === ''
  );
}

/** True when a text holds a resolved secret (a credential written into a header or a body). */
export function holdsSecret(text: string): boolean {
  return secretRegistry.redact(text) !== text;
}

/**
 * The headers without credentials, for a request to another origin: `Authorization`,
 * `Proxy-Authorization`, `Cookie`, the headers the authenticator set (`authHeaders`) and any header
 * whose value holds a resolved secret (an API key written into `client.headers`).
 */
export function withoutCredentials(
  headers: Record<string, string>,
  authHeaders: readonly string[] = [],
): Record<string, string> {
  const named = new Set([...CREDENTIAL_HEADERS, ...authHeaders.map((name) => name.toLowerCase())]);
  return Object.fromEntries(
    Object.entries(headers).filter(([name, value]) => !named.has(name.toLowerCase()) && !holdsSecret(value)),
  );
}
