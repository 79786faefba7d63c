import type { PaginatorConfig } from '../../config/paginator-schema.js';
import { ConfigError } from '../../errors/tributary-error.js';
import { OffsetPaginator, PageNumberPaginator } from './offset-paginator.js';
import type { Paginator } from './paginator.js';
import { SinglePagePaginator } from './single-page-paginator.js';

/**
 * Builds a fresh paginator from its config. `undefined` means "detect from the first response"
 * (no config, `auto`, or a dict without type).
 */
export function createPaginator(config: PaginatorConfig | null | undefined): Paginator | undefined {
  if (config === null || config === undefined) return undefined;
  const type = typeof config === 'string' ? config : config.type;
  switch (type) {
    case 'auto':
      return undefined;
    case 'single_page':
      return new SinglePagePaginator();
    case 'offset':
      if (typeof config === 'string') throw new ConfigError('paginator "offset" needs at least `limit`');
      return new OffsetPaginator(config as Extract<PaginatorConfig, { type: 'offset' }>);
    case 'page_number':
      return new PageNumberPaginator(
        typeof config === 'string'
          ? { type: 'page_number' }
          : (config as Extract<PaginatorConfig, { type: 'page_number' }>),
      );
    case 'json_link':
    case 'json_response':
    case 'header_link':
    case 'cursor':
    case 'header_cursor':
      throw new ConfigError(`paginator "${type}" is not supported by this version yet`);
    default: {
      const unknown: never = type;
      throw new ConfigError(`unknown paginator "${String(unknown)}"`);
    }
  }
}
