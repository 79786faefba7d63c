import { secretRegistry } from '../../config/secret-registry.js';
import type { JsonValue } from '../../normalize/json-values.js';
import type { HttpResponse } from '../http/http-client.js';
import type { RequestSpec } from '../http/request-spec.js';

/** One fetched page as a paginator sees it. */
export interface PageContext {
  response: HttpResponse;
  body: JsonValue;
  /** The records the data selector picked. */
  data: JsonValue[];
}

/**
 * dlt's paginator protocol: `initRequest` before the first request, then after every page
 * `updateState` (decides `hasNextPage`) and `updateRequest` (prepares the next request).
 */
export interface Paginator {
  readonly hasNextPage: boolean;
  /** Why pagination stopped, for reports ("empty page", "reached total 2345", …). */
  readonly stopReason: string | undefined;
  initRequest(request: RequestSpec): void;
  updateState(page: PageContext): void;
  updateRequest(request: RequestSpec): void;
}

/** Writes `value` at a dotted path in the JSON body, creating the body and intermediate objects. */
export function setBodyPath(request: RequestSpec, path: string, value: unknown): void {
  if (typeof request.json !== 'object' || request.json === null) request.json = {};
  let node = request.json as Record<string, unknown>;
  const parts = path.split('.');
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] ?? path] = value;
}

/** A response header by name, case-insensitively (RFC 9110 §5.1), though the client lower-cases them. */
export function responseHeader(response: HttpResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  const direct = response.headers[lower];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(response.headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/**
 * A response value for an error message: JSON text, shortened. Secrets are masked before the cut (a
 * next link may carry the key back), so the cut cannot leave half of one.
 */
export function showValue(value: unknown): string {
  const text = secretRegistry.redact(
    typeof value === 'bigint'
      ? String(value)
      : (JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value)),
  );
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
