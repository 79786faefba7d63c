import { redactUrl } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import { holdsSecret, keepsCredentials, withoutCredentials } from './credential-scope.js';
import type { HttpRequest } from './http-message.js';

/** Redirects followed per request at most: Python `requests`' default `max_redirects`. */
export const MAX_REDIRECTS = 30;

/** Statuses that are followed when they carry a `Location` (RFC 9110 §15.4). */
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

/** Headers that describe a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding']);

/** True for a 3xx response that Tributary follows: 301, 302, 303, 307 or 308 with a `Location`. */
export function isFollowedRedirect(status: number, location: string | undefined): location is string {
  return FOLLOWED.has(status) && location !== undefined && location.trim() !== '';
}

function refuse(req: HttpRequest, message: string): TributaryError {
  const url = redactUrl(req.url);
  return new TributaryError('HTTP_REDIRECT', `${req.method} ${url} ${message}`, {
    retryable: false,
    context: { url },
  });
}

/** The error for a 3xx answer that is not followed (300, 304, or a redirect without `Location`). */
export function unfollowedRedirectError(req: HttpRequest, status: number): TributaryError {
  return refuse(
    req,
    `answered ${status} without a redirect Tributary can follow (301, 302, 303, 307 or 308 with a Location header); check the endpoint path`,
  );
}

/** The error when a chain of redirects goes on beyond `MAX_REDIRECTS`. */
export function tooManyRedirectsError(req: HttpRequest, last: string): TributaryError {
  return refuse(
    req,
    `failed: more than ${MAX_REDIRECTS} redirects (the last to ${redactUrl(last)}); the API redirects in a loop — check base_url and the endpoint path`,
  );
}

/**
 * The request to send after a redirect, by Python `requests`' rules: 303, and 301/302 of a POST,
 * become a GET without body; 307 and 308 keep method and body. The `Location` is resolved against
 * the current URL and taken as given (auth is never added to it). On the way to another origin the
 * credentials stay behind: `Authorization`, `Proxy-Authorization`, `Cookie`, the headers the
 * authenticator set and any header holding a secret. Refused (`HTTP_REDIRECT`, not retried): an
 * https → http downgrade, a non-HTTP target, and a body holding a secret bound for another origin.
 *
 * @example
 * redirectRequest({ method: 'POST', url: 'https://a.example/x', headers: {}, body: 'q' }, 303, '/y')
 * // { method: 'GET', url: 'https://a.example/y', headers: {} }
 */
export function redirectRequest(req: HttpRequest, status: number, location: string): HttpRequest {
  const from = new URL(req.url);
  let to: URL;
  try {
    to = new URL(location.trim(), from);
  } catch (cause) {
    throw new TributaryError(
      'HTTP_REDIRECT',
      `${req.method} ${redactUrl(req.url)} redirected (${status}) to an invalid URL ${JSON.stringify(redactUrl(location))}`,
      { retryable: false, context: { url: redactUrl(req.url) }, cause },
    );
  }
  to.hash = '';
  const target = redactUrl(to.toString());
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    throw refuse(req, `redirected (${status}) to ${target}, which is not an http(s) URL; not followed`);
  }
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    throw refuse(
      req,
      `redirected (${status}) to ${target}: refusing an https → http downgrade, which would send the request unencrypted; if the API is only served over http, put that URL in the config`,
    );
  }
  const keepBody = status === 307 || status === 308;
  const next: HttpRequest = { method: keepBody ? req.method : 'GET', url: to.toString(), headers: {} };
  for (const [name, value] of Object.entries(req.headers)) {
    if (keepBody || !BODY_HEADERS.has(name.toLowerCase())) next.headers[name] = value;
  }
  if (keepBody && req.body !== undefined) next.body = req.body;
  if (keepsCredentials(from, to)) {
    if (req.authHeaders !== undefined) next.authHeaders = req.authHeaders;
    return next;
  }
  if (next.body !== undefined && holdsSecret(next.body)) {
    throw refuse(
      req,
      `redirected (${status}) to ${target}, another origin, with a body that holds a credential; not sending it there`,
    );
  }
  next.headers = withoutCredentials(next.headers, req.authHeaders);
  return next;
}
