import { ConfigError, TributaryError } from '../../errors/tributary-error.js';
import type { RequestSpec } from '../http/request-spec.js';
import { findAll } from '../select/json-path.js';
import { readHasMore } from './has-more-flag.js';
import { type PageContext, type Paginator, setBodyPath, showValue } from './paginator.js';
import { pythonInt } from './python-coercion.js';

export interface RangeOptions {
  /** Query param for the position, or undefined when it goes in the body. */
  param: string | undefined;
  bodyPath: string | undefined;
  start: number;
  step: number;
  base: number;
  totalPath: string | null;
  /**
   * True when `total_path` was not configured and `"total"` is dlt's default. Such a total may be
   * missing when `stop_after_empty_page` is on (beyond dlt, dlt-hub/dlt#4429).
   */
  totalPathIsDefault: boolean;
  maximum: number | null;
  stopAfterEmptyPage: boolean;
  hasMorePath: string | null;
  /** `items` (offset) or `pages` (page number), for messages. */
  unit: 'items' | 'pages';
}

/**
 * The shared algorithm of dlt's offset and page-number paginators (`RangePaginator`): a position
 * that advances by `step`, stopping on an empty page, at the total, at an exclusive maximum, or
 * when a has-more flag says so (which overrides total and maximum, as in dlt).
 *
 * Works without `initRequest` (a detected paginator never gets one, as in dlt): the first request
 * then carries no position and the second one carries `start + step`.
 */
export class RangePaginator implements Paginator {
  hasNextPage = true;
  stopReason: string | undefined;
  protected current: number;
  readonly #options: RangeOptions;
  /** A default `total_path` found nothing on some page, so only an empty page can end the walk. */
  #totalMissing = false;
  /** The total the last page reported. */
  #total: number | undefined;

  constructor(options: RangeOptions) {
    if (
      options.totalPath === null &&
      options.maximum === null &&
      options.hasMorePath === null &&
      !options.stopAfterEmptyPage
    ) {
      throw new ConfigError(
        'paginator: one of `total_path`, `maximum_offset` (or `maximum_page`), `has_more_path` or `stop_after_empty_page` must be set',
      );
    }
    this.#options = options;
    this.current = options.start;
  }

  initRequest(request: RequestSpec): void {
    this.hasNextPage = true;
    this.stopReason = undefined;
    this.#totalMissing = false;
    this.current = this.#options.start;
    this.writePosition(request);
  }

  updateRequest(request: RequestSpec): void {
    this.writePosition(request);
  }

  protected writePosition(request: RequestSpec): void {
    const { param, bodyPath } = this.#options;
    if (bodyPath !== undefined) setBodyPath(request, bodyPath, this.current);
    else if (param !== undefined) request.params[param] = this.current;
  }

  updateState({ body, data }: PageContext): void {
    const o = this.#options;
    if (o.stopAfterEmptyPage && data.length === 0) {
      this.stop(this.#totalMissing ? `empty page (the responses carry no "${o.totalPath}")` : 'empty page');
      return;
    }
    const total = o.totalPath === null ? undefined : this.#readTotal(o.totalPath, body);
    this.#total = total;
    this.current += o.step;
    if (total !== undefined && this.current >= total + o.base) this.stop(`reached total ${total} ${o.unit}`);
    else if (o.maximum !== null && this.current >= o.maximum) this.stop(`reached maximum ${o.maximum}`);
    if (o.hasMorePath !== null) {
      const hasMore = readHasMore(o.hasMorePath, body);
      this.hasNextPage = hasMore;
      this.stopReason = hasMore ? undefined : 'has-more flag is false';
    }
  }

  /** The total (first match, Python `int()`), or undefined when a default path may miss it. */
  #readTotal(path: string, body: unknown): number | undefined {
    const o = this.#options;
    const raw = findAll(path, body)[0];
    if (raw === undefined || raw === null) {
      // dlt-hub/dlt#4429: dlt fails here even though an empty page would end the walk. We keep
      // paging when the user never asked for a total; an explicit `total_path` still fails.
      if (o.totalPathIsDefault && o.stopAfterEmptyPage) {
        this.#totalMissing = true;
        return undefined;
      }
      throw new TributaryError(
        'PAGINATION',
        `total ${o.unit} not found in the response at path "${path}"; set \`total_path: null\` if the API has no total`,
      );
    }
    const total = pythonInt(raw);
    if (total === undefined) {
      throw new TributaryError(
        'PAGINATION',
        `total ${o.unit} at path "${path}" is not an integer: ${showValue(raw)}`,
      );
    }
    return total;
  }

  /**
   * The positions of every page still to fetch, when they can be known without the responses: a
   * total (or a maximum) bounds the walk and no has-more flag decides. Tributary fetches these
   * pages concurrently; undefined means "page by page".
   */
  plannedPositions(limit = 1_000_000): number[] | undefined {
    const o = this.#options;
    if (!this.hasNextPage || o.hasMorePath !== null) return undefined;
    const end = Math.min(
      this.#total === undefined ? Number.POSITIVE_INFINITY : this.#total + o.base,
      o.maximum ?? Number.POSITIVE_INFINITY,
    );
    if (!Number.isFinite(end)) return undefined;
    const positions: number[] = [];
    for (let position = this.current; position < end && positions.length < limit; position += o.step)
      positions.push(position);
    return positions;
  }

  /** A copy of `request` that asks for the page at `position` (for concurrent fetching). */
  requestAt(request: RequestSpec, position: number): RequestSpec {
    const copy: RequestSpec = { ...request, params: { ...request.params } };
    if (request.json !== undefined) copy.json = structuredClone(request.json);
    const saved = this.current;
    this.current = position;
    this.writePosition(copy);
    this.current = saved;
    return copy;
  }

  get stopsAfterEmptyPage(): boolean {
    return this.#options.stopAfterEmptyPage;
  }

  /** Why a concurrent walk ended, as the sequential one would say it. */
  plannedStopReason(): string {
    const o = this.#options;
    return this.#total !== undefined
      ? `reached total ${this.#total} ${o.unit}`
      : `reached maximum ${o.maximum}`;
  }

  protected stop(reason: string): void {
    this.hasNextPage = false;
    this.stopReason = reason;
  }
}
