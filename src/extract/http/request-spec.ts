import { stringifyExact } from '../../normalize/exact-json.js';
import { withoutCredentials } from './credential-scope.js';
import type { HttpRequest } from './http-message.js';

/** A request being built for a page: paginators change `params` (or `json`) between pages. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Absolute URL; may carry its own query string. */
  url: string;
  params: Record<string, unknown>;
  headers: Record<string, string>;
  json?: unknown;
  /** Form body (a dict or list of pairs, URL-encoded) or a raw string body, as `requests` sends `data`. */
  data?: unknown;
  /**
   * Origins that receive credentials (see `credentialOrigins`); a URL on any other origin, such as
   * a next link to another host, is sent without auth and without credential headers. Unset: any.
   */
  authOrigins?: readonly string[];
}

/** Changes a built request just before it is sent (auth). */
export interface Authenticator {
  apply(request: { url: URL; headers: Record<string, string> }): void | Promise<void>;
  /** Called once when a request was refused with 401; true when a retry may now succeed. */
  refresh?(): Promise<boolean>;
}

/** dlt's `join_url`: base and path joined with exactly one slash; an absolute path is used as is. */
export function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  if (path === '') return base;
  if (base === '') return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Python `requests` encoding of a param value: None omitted, lists repeated, booleans `True`/`False`. */
function appendParam(query: URLSearchParams, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) appendParam(query, key, item);
    return;
  }
  if (typeof value === 'boolean') query.append(key, value ? 'True' : 'False');
  else query.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function encodeData(data: unknown, headers: Record<string, string>): string {
  if (typeof data === 'string') return data;
  const form = new URLSearchParams();
  const pairs = Array.isArray(data) ? (data as Array<[string, unknown]>) : Object.entries(data as object);
  for (const [key, value] of pairs) appendParam(form, key, value);
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return form.toString();
}

/** Names (lower case) of the headers the authenticator added or changed. */
function changedHeaders(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after)
    .filter((name) => before[name] !== after[name])
    .map((name) => name.toLowerCase());
}

/**
 * Builds the request as Python `requests` would send it: a query already in the path is kept as
 * written (only `[` and `]` percent-encoded), the params follow it, encoded with `+` for spaces, and
 * auth query params come last. Auth is applied only on the spec's `authOrigins`; elsewhere the
 * credential headers are left out too.
 */
export async function buildHttpRequest(spec: RequestSpec, auth?: Authenticator): Promise<HttpRequest> {
  const url = new URL(spec.url);
  const ownQuery = url.search.slice(1).replace(/\[/g, '%5B').replace(/\]/g, '%5D');
  url.search = '';
  const added = new URLSearchParams();
  for (const [key, value] of Object.entries(spec.params)) appendParam(added, key, value);
  const trusted = spec.authOrigins === undefined || spec.authOrigins.includes(url.origin);
  const configured = { 'user-agent': 'tributary', ...spec.headers };
  const headers: Record<string, string> = trusted ? configured : withoutCredentials(configured);
  const request: HttpRequest = { method: spec.method, url: '', headers };
  if (spec.json !== undefined) {
    headers['content-type'] = 'application/json';
    request.body = stringifyExact(spec.json);
  } else if (spec.data !== undefined && spec.data !== null) {
    request.body = encodeData(spec.data, headers);
  }
  if (trusted && auth !== undefined) {
    const before = { ...headers };
    await auth.apply({ url, headers });
    request.authHeaders = changedHeaders(before, headers);
  }
  const query = [ownQuery, added.toString(), url.search.slice(1)].filter((part) => part !== '').join('&');
  url.search = '';
  request.url = query === '' ? url.toString() : `${url.toString()}?${query}`;
  return request;
}
