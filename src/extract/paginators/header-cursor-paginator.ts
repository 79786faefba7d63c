import type { RequestSpec } from '../http/request-spec.js';
import { type PageContext, type Paginator, responseHeader } from './paginator.js';

export interface HeaderCursorOptions {
  /** Response header holding the next cursor, any case. Default `next`. */
  cursor_key?: string | undefined;
  /** Query param for the cursor. Default `cursor`. */
  cursor_param?: string | undefined;
  /** Beyond dlt (as for `cursor`, dlt-hub/dlt#4428): the cursor of the first request. */
  initial_cursor?: string | number | null | undefined;
}

/**
 * dlt's `HeaderCursorPaginator`: a response header names the cursor of the next page, sent back as
 * a query param; no header ends the walk.
 *
 * Beyond dlt: an empty header value also ends it (dlt sends `cursor=` and gets the same page
 * again, forever).
 *
 * @example
 * paginator: { type: 'header_cursor', cursor_key: 'NextPageToken', cursor_param: 'page_token' }
 */
export class HeaderCursorPaginator implements Paginator {
  hasNextPage = true;
  stopReason: string | undefined;
  readonly cursorKey: string;
  readonly cursorParam: string;
  readonly #initialCursor: string | number | undefined;
  #cursor: string | undefined;

  constructor(options: HeaderCursorOptions = {}) {
    this.cursorKey = options.cursor_key ?? 'next';
    this.cursorParam = options.cursor_param ?? 'cursor';
    this.#initialCursor = options.initial_cursor ?? undefined;
  }

  initRequest(request: RequestSpec): void {
    this.hasNextPage = true;
    this.stopReason = undefined;
    this.#cursor = undefined;
    if (this.#initialCursor !== undefined) request.params[this.cursorParam] = this.#initialCursor;
  }

  updateState({ response }: PageContext): void {
    const value = responseHeader(response, this.cursorKey);
    this.#cursor = value === undefined || value.trim() === '' ? undefined : value;
    this.hasNextPage = this.#cursor !== undefined;
    if (value === undefined) this.stopReason = `no "${this.cursorKey}" header`;
    else this.stopReason = this.#cursor === undefined ? `"${this.cursorKey}" header is empty` : undefined;
  }

  updateRequest(request: RequestSpec): void {
    // With no cursor dlt writes None, which drops the param; the walk stops anyway.
    request.params[this.cursorParam] = this.#cursor ?? null;
  }
}
