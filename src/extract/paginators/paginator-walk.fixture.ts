import type { JsonValue } from '../../normalize/json-values.js';
import type { HttpResponse } from '../http/http-client.js';
import type { RequestSpec } from '../http/request-spec.js';
import type { Paginator } from './paginator.js';

/** One scripted response: its body, headers and how many records the data selector found. */
export interface ScriptedPage {
  body?: JsonValue;
  headers?: Record<string, string>;
  records?: number;
}

/** A request as it went out: the full URL (params encoded) and the JSON body. */
export interface SentRequest {
  url: string;
  json: unknown;
}

export function response(url: string, headers: Record<string, string> = {}): HttpResponse {
  return { status: 200, headers, body: Buffer.alloc(0), url };
}

export function request(init: Partial<RequestSpec> = {}): RequestSpec {
  return { method: 'GET', url: 'http://api.test/items', params: {}, headers: {}, ...init };
}

/** The URL a request goes to: `requests` drops None params and sends the rest as text. */
export function requestUrl(spec: RequestSpec): string {
  const url = new URL(spec.url);
  for (const [key, value] of Object.entries(spec.params)) {
    if (value !== null && value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

export const records = (n: number): JsonValue[] => Array.from({ length: n }, (_, i) => ({ id: i }));

/**
 * Drives a paginator through scripted responses the way dlt's request loop does: `initRequest` once
 * (unless `init: false`, as for a detected paginator), then per page send, `updateState`,
 * `updateRequest`, and stop when `hasNextPage` is false. Returns every request sent.
 */
export function walk(
  paginator: Paginator,
  pages: ScriptedPage[],
  options: { init?: boolean; request?: RequestSpec } = {},
): SentRequest[] {
  const spec = options.request ?? request();
  if (options.init !== false) paginator.initRequest(spec);
  const sent: SentRequest[] = [];
  for (const page of pages) {
    const url = requestUrl(spec);
    sent.push({ url, json: structuredClone(spec.json) });
    const data = records(page.records ?? 1);
    paginator.updateState({ response: response(url, page.headers), body: page.body ?? {}, data });
    paginator.updateRequest(spec);
    if (!paginator.hasNextPage) break;
  }
  return sent;
}

export const urls = (sent: SentRequest[]): string[] => sent.map((s) => s.url);

/** Like `walk`, for range paginators: pages as a body and a record count; returns each request's params. */
export function walkParams(
  paginator: Paginator,
  pages: Array<{ body: JsonValue; n: number }>,
): Array<Record<string, unknown>> {
  const spec = request();
  paginator.initRequest(spec);
  const sent: Array<Record<string, unknown>> = [];
  for (const page of pages) {
    sent.push({ ...spec.params });
    paginator.updateState({ response: response(requestUrl(spec)), body: page.body, data: records(page.n) });
    paginator.updateRequest(spec);
    if (!paginator.hasNextPage) break;
  }
  return sent;
}
