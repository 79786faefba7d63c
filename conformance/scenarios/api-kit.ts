import type { ApiHandler, ApiReply, ApiRequest } from '../scenario-server.js';

/** A route of a scenario API: the request, the 0-based run, the values of `:name` path segments. */
export type Route = (request: ApiRequest, run: number, params: Record<string, string>) => ApiReply;

/** Routes keyed by `METHOD /path`, where a segment may be `:name`; anything else gets a 404. */
export function router(routes: Record<string, Route>): ApiHandler {
  const compiled = Object.entries(routes).map(([key, route]) => {
    const [method, pattern] = key.split(' ');
    return { method: method!, segments: pattern!.split('/'), route };
  });
  return (request, run) => {
    const parts = request.path.split('/');
    for (const { method, segments, route } of compiled) {
      if (method !== request.method || segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matches = segments.every((segment, i) => {
        const part = decodeURIComponent(parts[i] ?? '');
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = part;
          return true;
        }
        return segment === part;
      });
      if (matches) return route(request, run, params);
    }
    return notFound(request);
  };
}

export const notFound = (request: ApiRequest): ApiReply => ({
  status: 404,
  body: { error: 'not_found', message: `no route for ${request.method} ${request.path}` },
});

export const unauthorized = (): ApiReply => ({ status: 401, body: { error: 'unauthorized' } });

/** A JSON reply; a string body is sent as written (key order and number spelling kept). */
export const json = (body: unknown, headers: Record<string, string> = {}): ApiReply => ({ body, headers });

/** An integer query parameter, or the fallback when absent or not a whole number. */
export function intParam(request: ApiRequest, name: string, fallback: number): number {
  const text = request.query.get(name);
  return text !== null && /^-?\d+$/.test(text) ? Number(text) : fallback;
}

/** `count` simple records `{id, name, ...extra(i)}` with ids from 1. */
export function records(count: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, ...extra(i) }));
}

/** Pages of `size` (the last one may be shorter). */
export function pages<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
