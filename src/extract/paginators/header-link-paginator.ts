import { findLinkTarget } from './link-header.js';
import { NextUrlPaginator } from './next-url-paginator.js';
import { type PageContext, responseHeader } from './paginator.js';

export interface HeaderLinkOptions {
  /** The link relation to follow. Default `next`. */
  links_next_key?: string | undefined;
}

/**
 * dlt's `HeaderLinkPaginator`: follows the `Link` response header (RFC 8288), as GitHub's API pages.
 *
 * @example
 * paginator: { type: 'header_link' }
 * // Link: <https://api.github.com/repositories/1/issues?page=2>; rel="next", <…?page=5>; rel="last"
 */
export class HeaderLinkPaginator extends NextUrlPaginator {
  readonly linksNextKey: string;

  constructor(options: HeaderLinkOptions = {}) {
    super();
    this.linksNextKey = options.links_next_key ?? 'next';
  }

  updateState({ response }: PageContext): void {
    const target = findLinkTarget(responseHeader(response, 'link'), this.linksNextKey);
    this.follow(target, response.url, `in the Link header (rel="${this.linksNextKey}")`);
  }
}
