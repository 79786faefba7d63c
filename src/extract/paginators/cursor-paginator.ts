import { ConfigError } from '../../errors/tributary-error.js';
import type { RequestSpec } from '../http/request-spec.js';
import { findAll } from '../select/json-path.js';
import { readHasMore } from './has-more-flag.js';
import { type PageContext, type Paginator, setBodyPath } from './paginator.js';
import { asParamValue, isPythonTruthy } from './python-coercion.js';

export interface CursorOptions {
  /** JSONPath of the next cursor in the body; the first match counts. Default `cursors.next`. */
  cursor_path?: string | undefined;
  /** Query param for the cursor; `cursor` when neither it nor `cursor_body_path` is given. */
  cursor_param?: string | null | undefined;
  /** Dotted path in the JSON body for the cursor, instead of a query param. */
  cursor_body_path?: string | null | undefined;
  /** Stop on a page without records. Default false (unlike the range paginators). */
  stop_after_empty_page?: boolean | undefined;
  /** JSONPath of a has-more flag, which overrides the cursor when present. */
  has_more_path?: string | null | undefined;
  /** Beyond dlt (dlt-hub/dlt#4428): the cursor of the first request, e.g. `""`, `0` or `*`. */
  initial_cursor?: string | number | null | undefined;
}

/** Where a cursor goes: a query param or a dotted path in the JSON body. */
export type CursorTarget = { param: string; bodyPath?: undefined } | { param?: undefined; bodyPath: string };

export function cursorTarget(
  param: string | null | undefined,
  bodyPath: string | null | undefined,
): CursorTarget {
  const hasParam = param !== null && param !== undefined;
  const hasBody = bodyPath !== null && bodyPath !== undefined;
  if (hasParam && hasBody) {
    throw new ConfigError('paginator: set either `cursor_param` or `cursor_body_path`, not both');
  }
  if (param === '' || bodyPath === '') {
    throw new ConfigError('paginator: `cursor_param` and `cursor_body_path` must not be empty');
  }
  return hasBody ? { bodyPath } : { param: hasParam ? param : 'cursor' };
}

export function writeCursor(request: RequestSpec, target: CursorTarget, cursor: unknown): void {
  if (target.bodyPath !== undefined) setBodyPath(request, target.bodyPath, cursor);
  else request.params[target.param] = asParamValue(cursor);
}

/**
 * dlt's `JSONResponseCursorPaginator`: the body names the cursor of the next page, sent back as a
 * query param (or in the JSON body). A falsy cursor (`null`, `""`, `0`, absent) ends the walk unless
 * a has-more flag says otherwise; with `stop_after_empty_page`, so does a page without records.
 *
 * The first request carries no cursor (dlt), or `initial_cursor` when set. Works without
 * `initRequest` (detection).
 *
 * @example
 * paginator: { type: 'cursor', cursor_path: 'meta.next_cursor', cursor_param: 'after' }
 */
export class CursorPaginator implements Paginator {
  hasNextPage = true;
  stopReason: string | undefined;
  readonly cursorPath: string;
  readonly target: CursorTarget;
  readonly #stopAfterEmptyPage: boolean;
  readonly #hasMorePath: string | null;
  readonly #initialCursor: string | number | undefined;
  #cursor: unknown = null;

  constructor(options: CursorOptions = {}) {
    this.cursorPath = options.cursor_path ?? 'cursors.next';
    this.target = cursorTarget(options.cursor_param, options.cursor_body_path);
    this.#stopAfterEmptyPage = options.stop_after_empty_page ?? false;
    this.#hasMorePath = options.has_more_path ?? null;
    this.#initialCursor = options.initial_cursor ?? undefined;
  }

  initRequest(request: RequestSpec): void {
    this.hasNextPage = true;
    this.stopReason = undefined;
    this.#cursor = null;
    if (this.#initialCursor !== undefined) writeCursor(request, this.target, this.#initialCursor);
  }

  updateState({ body, data }: PageContext): void {
    const found = findAll(this.cursorPath, body)[0];
    this.#cursor = isPythonTruthy(found) ? found : null;
    this.hasNextPage = this.#cursor !== null;
    this.stopReason = this.hasNextPage ? undefined : 'cursor empty';
    if (this.#stopAfterEmptyPage && data.length === 0) {
      this.hasNextPage = false;
      this.stopReason = 'empty page';
      return;
    }
    if (this.#hasMorePath !== null) {
      // As in dlt the flag wins over the cursor: has-more true with no cursor repeats the request
      // without one (the request loop's guard catches a repeat).
      this.hasNextPage = readHasMore(this.#hasMorePath, body);
      this.stopReason = this.hasNextPage ? undefined : 'has-more flag is false';
    }
  }

  /** Writes the cursor, or null (an omitted query param) when there is none, as dlt does. */
  updateRequest(request: RequestSpec): void {
    writeCursor(request, this.target, this.#cursor);
  }
}
