import { isIPv6 } from 'node:net';
import type { PaginatorConfig } from '../../config/paginator-schema.js';
import { isJsonObject, JsonDouble, type JsonObject, type JsonValue } from '../../normalize/json-values.js';
import type { HttpResponse } from '../http/http-client.js';
import { CursorPaginator } from './cursor-paginator.js';
import { HeaderLinkPaginator } from './header-link-paginator.js';
import { JsonLinkPaginator } from './json-link-paginator.js';
import { findLinkTarget } from './link-header.js';
import { PageNumberPaginator } from './offset-paginator.js';
import { type Paginator, responseHeader } from './paginator.js';
import { pythonInt } from './python-coercion.js';
import { SinglePagePaginator } from './single-page-paginator.js';

/** A paginator guessed from the first response. */
export interface DetectedPaginator {
  paginator: Paginator;
  /** What was found, for events and reports: `json_link (next_url_path "next")`. */
  description: string;
  /** dlt's score: 1 for a sure match, 0.5 when settings are guessed, 0 for the single-page fallback. */
  score: number;
  /** The config that builds the same paginator, to suggest pasting into the config. */
  config: PaginatorConfig;
  /** Set when dlt would log a warning: guessed settings, or a list of records with no pagination found. */
  warning: string | undefined;
}

/** A value dlt's detector accepts as a leaf: Python `str`, `int` (bool included) or `float`. */
type Leaf = string | number | bigint | boolean | JsonDouble;
interface Hit {
  path: string[];
  value: Leaf;
}

const isLeaf = (value: JsonValue | undefined): value is Leaf =>
  ['string', 'number', 'bigint', 'boolean'].includes(typeof value) || value instanceof JsonDouble;

/** First `next*` key, depth-first in key order; a dict under it may hold the link as `href*`/`url*`. */
function findNextPageKey(node: JsonObject, path: string[] = []): Hit | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (/^next/.test(key.toLowerCase())) {
      if (isJsonObject(value)) {
        for (const [inner, innerValue] of Object.entries(value)) {
          if (/^(href|url)/.test(inner.toLowerCase()) && isLeaf(innerValue)) {
            return { path: [...path, key, inner], value: innerValue };
          }
        }
      } else if (isLeaf(value)) {
        return { path: [...path, key], value };
      }
    }
    if (isJsonObject(value)) {
      const hit = findNextPageKey(value, [...path, key]);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/** First key named `total_pages`, `pages` or `totalPages` (any case) holding a leaf, depth-first. */
function findTotalPagesKey(node: JsonObject, path: string[] = []): Hit | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (/^(total_pages|pages|totalpages)$/.test(key.toLowerCase()) && isLeaf(value)) {
      return { path: [...path, key], value };
    }
    if (isJsonObject(value)) {
      const hit = findTotalPagesKey(value, [...path, key]);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/**
 * Python's `urlparse` raises on a malformed bracketed host (`http://[abc/x`); dlt's detector then
 * takes the value for a cursor rather than a link.
 */
function pythonUrlParses(url: string): boolean {
  const rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, '');
  if (!rest.startsWith('//')) return true;
  const netloc = rest.slice(2).split(/[/?#]/)[0] ?? '';
  const open = netloc.includes('[');
  if (open !== netloc.includes(']')) return false;
  if (!open) return true;
  const host = netloc.split('[')[1]?.split(']')[0] ?? '';
  return host.startsWith('v') ? /^v[a-fA-F0-9]+\..+$/.test(host) : isIPv6(host);
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * dlt joins the keys with dots. Beyond dlt, a key that dots would misread (`next.url`, `a b`) is
 * bracket-quoted, so the path finds it again (dlt's would match nothing).
 */
function jsonPathOf(keys: string[]): string {
  const part = (key: string, i: number): string =>
    PLAIN_KEY.test(key) || key.includes("'") ? `${i === 0 ? '' : '.'}${key}` : `['${key}']`;
  return keys.map(part).join('');
}

const GUESSED = 'verify the detected paginator: some of its settings are guessed; set `paginator` explicitly';

/**
 * Guesses the paginator from the first response, in dlt's order (reference §3): a `Link` header
 * with rel `next`; a `next*` key holding a URL (`http…` or `/…`); a total-pages key holding an
 * integer; a `next*` key holding any other value (a cursor); else a single page. Keys starting with
 * `@` (`@odata.nextLink`) never match.
 *
 * As in dlt, detection happens after the first request, so the caller must not call `initRequest`
 * on the result: call `updateState` with this same page, then `updateRequest`, and go on as usual.
 * A detected page_number paginator therefore sends no page on request 1, then `page=1`, `page=2`….
 *
 * @example
 * const { paginator, description } = detectPaginator(response, body, records);
 * paginator.updateState({ response, body, data: records });
 * paginator.updateRequest(request);
 */
export function detectPaginator(
  response: HttpResponse,
  body: JsonValue,
  data: JsonValue[],
): DetectedPaginator {
  if (findLinkTarget(responseHeader(response, 'link'), 'next') !== undefined) {
    return {
      paginator: new HeaderLinkPaginator(),
      description: 'header_link (Link header with rel="next")',
      score: 1,
      config: { type: 'header_link' },
      warning: undefined,
    };
  }
  const next = isJsonObject(body) ? findNextPageKey(body) : undefined;
  const nextPath = next && jsonPathOf(next.path);
  const { value } = next ?? {};
  if (
    nextPath !== undefined &&
    typeof value === 'string' &&
    /^(http|\/)/.test(value) &&
    pythonUrlParses(value)
  ) {
    return {
      paginator: new JsonLinkPaginator({ next_url_path: nextPath }),
      description: `json_link (next_url_path "${nextPath}")`,
      score: 1,
      config: { type: 'json_link', next_url_path: nextPath },
      warning: undefined,
    };
  }
  const total = isJsonObject(body) ? findTotalPagesKey(body) : undefined;
  if (total !== undefined && pythonInt(total.value) !== undefined) {
    const totalPath = jsonPathOf(total.path);
    return {
      paginator: new PageNumberPaginator({ type: 'page_number', total_path: totalPath }),
      description: `page_number (total_path "${totalPath}")`,
      score: 0.5,
      config: { type: 'page_number', total_path: totalPath },
      warning: GUESSED,
    };
  }
  if (nextPath !== undefined) {
    return {
      paginator: new CursorPaginator({ cursor_path: nextPath }),
      description: `cursor (cursor_path "${nextPath}", cursor_param "cursor")`,
      score: 0.5,
      config: { type: 'cursor', cursor_path: nextPath },
      warning: GUESSED,
    };
  }
  // dlt means to warn only when the page looks like a list of records; a single object is simply
  // not paginated. (dlt's own check always sees a list, so it always warns.)
  const looksLikeList = Array.isArray(body) || data.length > 1;
  return {
    paginator: new SinglePagePaginator(),
    description: 'single_page (no pagination detected)',
    score: 0,
    config: 'single_page',
    warning: looksLikeList
      ? 'no pagination detected, fetched a single page; set `paginator` explicitly'
      : undefined,
  };
}
