import type { PAGINATOR_TYPES, PaginatorConfig } from '../../config/paginator-schema.js';
import { ConfigError } from '../../errors/tributary-error.js';
import { CursorPaginator } from './cursor-paginator.js';
import { HeaderCursorPaginator } from './header-cursor-paginator.js';
import { HeaderLinkPaginator } from './header-link-paginator.js';
import { JsonLinkPaginator } from './json-link-paginator.js';
import { OffsetPaginator, PageNumberPaginator } from './offset-paginator.js';
import type { Paginator } from './paginator.js';
import { SinglePagePaginator } from './single-page-paginator.js';

type Typed<T extends string> = Extract<PaginatorConfig, { type: T }>;
type PaginatorName = (typeof PAGINATOR_TYPES)[number];

/**
 * Builds a fresh paginator from its config, as dlt's `create_paginator` does. `undefined` means
 * "detect from the first response": no config, `"auto"`, `{type: 'auto', …}` (other keys ignored)
 * or a dict without `type` (which validation rejects, as dlt's does, but a TS caller can pass).
 * A name alone builds the paginator with its defaults; `"offset"` alone cannot (it needs `limit`).
 *
 * @example
 * createPaginator({ type: 'json_link', next_url_path: 'paging.next' }) // JsonLinkPaginator
 * createPaginator('auto')                                           // undefined: detect
 */
export function createPaginator(config: PaginatorConfig | null | undefined): Paginator | undefined {
  if (config === null || config === undefined) return undefined;
  const object = typeof config === 'string' ? undefined : config;
  // Validated configs always have a type; a TS caller's dict without one means auto, as in dlt.
  const type = (
    object === undefined ? config : ((object as { type?: string }).type ?? 'auto')
  ) as PaginatorName;
  switch (type) {
    case 'auto':
      return undefined;
    case 'single_page':
      return new SinglePagePaginator();
    case 'offset':
      if (object === undefined) {
        throw new ConfigError('paginator "offset" needs at least `limit`: write {type: offset, limit: 100}');
      }
      return new OffsetPaginator(object as Typed<'offset'>);
    case 'page_number':
      return new PageNumberPaginator((object as Typed<'page_number'> | undefined) ?? { type: 'page_number' });
    case 'json_link':
    case 'json_response':
      return new JsonLinkPaginator(object as Typed<'json_link'> | undefined);
    case 'header_link':
      return new HeaderLinkPaginator(object as Typed<'header_link'> | undefined);
    case 'cursor':
      return new CursorPaginator(object as Typed<'cursor'> | undefined);
    case 'header_cursor':
      return new HeaderCursorPaginator(object as Typed<'header_cursor'> | undefined);
    default: {
      const unknown: never = type;
      throw new ConfigError(
        `unknown paginator "${String(unknown)}": use one of single_page, offset, page_number, json_link, header_link, cursor, header_cursor or auto`,
      );
    }
  }
}
