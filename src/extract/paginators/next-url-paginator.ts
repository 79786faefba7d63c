import { redactUrl } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import type { RequestSpec } from '../http/request-spec.js';
import { type PageContext, type Paginator, showValue } from './paginator.js';

/**
 * The shared half of the link-following paginators (dlt's `BaseNextUrlPaginator`): a response names
 * the URL of the next page; the next request goes to that URL verbatim, without any of the original
 * query params (they are expected inside the link, dlt-hub/dlt#1514). Auth params are added again
 * when the request is built.
 *
 * Needs no `initRequest`: the first request is the configured one.
 */
export abstract class NextUrlPaginator implements Paginator {
  hasNextPage = true;
  stopReason: string | undefined;
  #nextUrl: string | undefined;

  initRequest(): void {
    this.hasNextPage = true;
    this.stopReason = undefined;
    this.#nextUrl = undefined;
  }

  abstract updateState(page: PageContext): void;

  /**
   * Takes the link found in a response (`where` says where, for messages). A relative link is
   * resolved against the URL that was requested, its base URI (RFC 3986 §5.1.3, §5.2).
   */
  protected follow(link: unknown, responseUrl: string, where: string): void {
    this.#nextUrl = undefined;
    if (link === undefined || link === null) {
      this.#stop('no next link');
      return;
    }
    if (typeof link !== 'string') {
      throw new TributaryError(
        'PAGINATION',
        `the next link ${where} must be a URL string, got ${showValue(link)}; check the paginator settings`,
      );
    }
    if (link.trim() === '') {
      // Beyond dlt: dlt counts "" as a next page and then sends a request without a URL.
      this.#stop('next link is empty');
      return;
    }
    try {
      this.#nextUrl = new URL(link, responseUrl).toString();
    } catch (cause) {
      throw new TributaryError(
        'PAGINATION',
        `the next link ${where} is not a valid URL: ${JSON.stringify(redactUrl(link))} (page ${redactUrl(responseUrl)})`,
        { cause },
      );
    }
    this.hasNextPage = true;
    this.stopReason = undefined;
  }

  updateRequest(request: RequestSpec): void {
    if (this.#nextUrl === undefined) return;
    request.url = this.#nextUrl;
    request.params = {};
  }

  #stop(reason: string): void {
    this.hasNextPage = false;
    this.stopReason = reason;
  }
}
