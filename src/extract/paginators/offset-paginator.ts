import type { OffsetPaginatorConfig, PageNumberPaginatorConfig } from '../../config/paginator-schema.js';
import { ConfigError } from '../../errors/tributary-error.js';
import type { RequestSpec } from '../http/request-spec.js';
import { setBodyPath } from './paginator.js';
import { RangePaginator } from './range-paginator.js';

/** A param name or a body path, never both; the default name applies only when neither is given. */
export function paramOrBodyPath(
  param: string | null | undefined,
  bodyPath: string | null | undefined,
  defaultParam: string,
  what: string,
): { param: string | undefined; bodyPath: string | undefined } {
  const hasParam = param !== null && param !== undefined;
  const hasBody = bodyPath !== null && bodyPath !== undefined;
  if (hasParam && hasBody)
    throw new ConfigError(`paginator: set either ${what}_param or ${what}_body_path, not both`);
  if ((hasParam && param === '') || (hasBody && bodyPath === '')) {
    throw new ConfigError(`paginator: ${what}_param and ${what}_body_path must not be empty`);
  }
  if (!hasParam && !hasBody) return { param: defaultParam, bodyPath: undefined };
  return { param: hasParam ? param : undefined, bodyPath: hasBody ? bodyPath : undefined };
}

/**
 * dlt's `OffsetPaginator`: `offset` advances by `limit`; `limit` is sent with every request.
 *
 * @example
 * paginator: { type: 'offset', limit: 100 }   // offset=0&limit=100, offset=100&limit=100, …
 */
export class OffsetPaginator extends RangePaginator {
  readonly #limit: number;
  readonly #limitTarget: { param: string | undefined; bodyPath: string | undefined };

  constructor(config: OffsetPaginatorConfig) {
    const offsetTarget = paramOrBodyPath(config.offset_param, config.offset_body_path, 'offset', 'offset');
    super({
      ...offsetTarget,
      start: config.offset ?? 0,
      step: config.limit,
      base: 0,
      totalPath: config.total_path === undefined ? 'total' : config.total_path,
      totalPathIsDefault: config.total_path === undefined,
      maximum: config.maximum_offset ?? null,
      stopAfterEmptyPage: config.stop_after_empty_page ?? true,
      hasMorePath: config.has_more_path ?? null,
      unit: 'items',
    });
    this.#limit = config.limit;
    this.#limitTarget = paramOrBodyPath(config.limit_param, config.limit_body_path, 'limit', 'limit');
  }

  protected override writePosition(request: RequestSpec): void {
    super.writePosition(request);
    const { param, bodyPath } = this.#limitTarget;
    if (bodyPath !== undefined) setBodyPath(request, bodyPath, this.#limit);
    else if (param !== undefined) request.params[param] = this.#limit;
  }
}

/**
 * dlt's `PageNumberPaginator`: the page advances by one from `page` (default `base_page`, 0);
 * `total_path` holds the number of pages.
 */
export class PageNumberPaginator extends RangePaginator {
  constructor(config: PageNumberPaginatorConfig) {
    const base = config.base_page ?? 0;
    super({
      ...paramOrBodyPath(config.page_param, config.page_body_path, 'page', 'page'),
      start: config.page ?? base,
      step: 1,
      base,
      totalPath: config.total_path === undefined ? 'total' : config.total_path,
      totalPathIsDefault: config.total_path === undefined,
      maximum: config.maximum_page ?? null,
      stopAfterEmptyPage: config.stop_after_empty_page ?? true,
      hasMorePath: config.has_more_path ?? null,
      unit: 'pages',
    });
  }
}
