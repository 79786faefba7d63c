import { findAll } from '../select/json-path.js';
import { NextUrlPaginator } from './next-url-paginator.js';
import type { PageContext } from './paginator.js';

export interface JsonLinkOptions {
  /** JSONPath of the next page's URL in the body; the first match counts. Default `next`. */
  next_url_path?: string | undefined;
}

/**
 * dlt's `JSONLinkPaginator` (alias `json_response`): follows the URL found in the response body until
 * it is missing or null.
 *
 * @example
 * paginator: { type: 'json_link', next_url_path: 'pagination.next' }
 * // {"items": […], "pagination": {"next": "https://api.example.com/items?page=2"}}
 */
export class JsonLinkPaginator extends NextUrlPaginator {
  readonly nextUrlPath: string;

  constructor(options: JsonLinkOptions = {}) {
    super();
    this.nextUrlPath = options.next_url_path ?? 'next';
  }

  updateState({ response, body }: PageContext): void {
    this.follow(findAll(this.nextUrlPath, body)[0], response.url, `at path "${this.nextUrlPath}"`);
  }
}
