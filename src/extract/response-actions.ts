import type { ResponseActionConfig } from '../config/config-schema.js';
import type { HttpResponse } from './http/http-client.js';

/** What a response action decided. */
export type ResponseVerdict = 'ignore' | undefined;

/** A response as TS `response_actions` callables see it: they may change status, headers or body. */
export type MutableResponse = HttpResponse;

type Callable = (response: MutableResponse) => unknown;

/**
 * dlt's `response_actions` as one hook run on every response, retries included, in list order:
 * an entry matches on `status_code` (equal) and `content` (a substring of the body text), one of
 * them, or always when it has neither (then only a callable action runs). `ignore` ends the
 * resource's pagination quietly; callables are called with the response and may rewrite it.
 */
export function responseInspector(
  actions: readonly ResponseActionConfig[],
): ((response: MutableResponse) => ResponseVerdict) | undefined {
  if (actions.length === 0) return undefined;
  return (response) => {
    for (const entry of actions) {
      if (typeof entry === 'function') {
        (entry as Callable)(response);
        continue;
      }
      const hasStatus = entry.status_code !== undefined;
      const hasContent = entry.content !== undefined;
      if (!hasStatus && !hasContent && typeof entry.action === 'string') continue;
      if (hasStatus && response.status !== entry.status_code) continue;
      if (hasContent && !response.body.toString('utf8').includes(entry.content ?? '')) continue;
      if (entry.action === 'ignore') return 'ignore';
      for (const action of [entry.action].flat()) (action as Callable)(response);
    }
    return undefined;
  };
}
