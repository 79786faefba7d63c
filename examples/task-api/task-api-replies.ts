/**
 * What the demo API answers, as plain data: the server decides which reply applies and writes it.
 * Keeping replies pure keeps the server file about connections, settings and stats.
 */
import { serializeJson } from './exact-json.js';
import type { TaskCatalog } from './task-catalog.js';

/** `json` is normal; the others answer 200 with a body a client must refuse to load. */
export const BODY_MODES = ['json', 'html', 'truncated', 'empty'] as const;
export type BodyMode = (typeof BODY_MODES)[number];

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** `drop`: close the connection without writing anything. */
export type Reply = HttpReply | 'drop';

const JSON_TYPE = 'application/json; charset=utf-8';
const MAINTENANCE_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Down for maintenance</title></head>' +
  '<body><h1>We will be back soon</h1><p>Scheduled maintenance.</p></body></html>\n';

export function jsonReply(status: number, body: object, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: serializeJson(body) };
}

/** `GET /v1/tasks?limit=&offset=`: `{"data": [...], "total": N, "limit": L, "offset": O}`. */
export function listReply(catalog: TaskCatalog, params: URLSearchParams, maxLimit: number): HttpReply {
  const limit = parseParam(params, 'limit', maxLimit, 1);
  const offset = parseParam(params, 'offset', 0, 0);
  if (typeof limit === 'string') return jsonReply(400, { error: 'invalid_parameter', message: limit });
  if (typeof offset === 'string') return jsonReply(400, { error: 'invalid_parameter', message: offset });
  const size = Math.min(limit, maxLimit);
  const body = `{"data":${catalog.pageJson(offset, size)},"total":${catalog.total},"limit":${size},"offset":${offset}}`;
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body };
}

/** `GET /v1/tasks/{id}`: the task, or 404. */
export function taskReply(catalog: TaskCatalog, id: string): HttpReply {
  const body = catalog.taskJson(id);
  if (body === undefined) return jsonReply(404, { error: 'not_found', message: `no task with id ${id}` });
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body };
}

/** Turns a good 200 into the broken 200 the body mode asks for (see reliability table B3, cases 1–2). */
export function applyBodyMode(reply: HttpReply, mode: BodyMode): HttpReply {
  switch (mode) {
    case 'json':
      return reply;
    case 'html':
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: MAINTENANCE_PAGE };
    case 'truncated': {
      // Cut by bytes, as a network would: the cut may fall inside a multi-byte character.
      const bytes = Buffer.from(reply.body);
      return { ...reply, body: bytes.subarray(0, Math.floor(bytes.length / 2)) };
    }
    case 'empty':
      return { ...reply, body: '' };
  }
}

/** A non-negative decimal integer of at least `min`; anything else is a message for a 400. */
function parseParam(params: URLSearchParams, name: string, fallback: number, min: number): number | string {
  const text = params.get(name);
  if (text === null) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return value >= min ? value : `${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`;
}
