import { TributaryError } from '../../errors/tributary-error.js';
import type { RequestSpec } from '../http/request-spec.js';
import { findAll } from '../select/json-path.js';
import { type PageContext, type Paginator, setBodyPath } from './paginator.js';

export interface RangeOptions {
  /** Query param for the position, or undefined when it goes in the body. */
  param: string | undefined;
  bodyPath: string | undefined;
  start: number;
  step: number;
  base: number;
  totalPath: string | null;
  maximum: number | null;
  stopAfterEmptyPage: boolean;
  hasMorePath: string | null;
  /** `items` (offset) or `pages` (page number), for messages. */
  unit: 'items' | 'pages';
}

const TRUE_WORDS = new Set(['yes', 'true', 't', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'false', 'f', 'n', '0']);

function paginationError(message: string): TributaryError {
  return new TributaryError('PAGINATION', message);
}

/** The first match of a path that must be present, as dlt reads totals and has-more flags. */
function required(path: string, body: unknown, what: string, hint: string): unknown {
  const matches = findAll(path, body);
  const value = matches[0];
  if (value === undefined || value === null) {
    throw paginationError(`${what} not found in the response at path "${path}"; ${hint}`);
  }
  return value;
}

/**
 * The shared algorithm of dlt's offset and page-number paginators (`RangePaginator`): a position
 * that advances by `step`, stopping on an empty page, at the total, at an exclusive maximum, or
 * when a has-more flag says so (which overrides total and maximum, as in dlt).
 */
export class RangePaginator implements Paginator {
  hasNextPage = true;
  stopReason: string | undefined;
  protected current: number;
  readonly #options: RangeOptions;

  constructor(options: RangeOptions) {
    if (
      options.totalPath === null &&
      options.maximum === null &&
      options.hasMorePath === null &&
      !options.stopAfterEmptyPage
    ) {
      throw new TributaryError(
        'CONFIG_INVALID',
        'one of `total_path`, `maximum_offset` (or `maximum_page`), `has_more_path` or `stop_after_empty_page` must be set',
      );
    }
    this.#options = options;
    this.current = options.start;
  }

  initRequest(request: RequestSpec): void {
    this.hasNextPage = true;
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
      this.stop('empty page');
      return;
    }
    let total: number | undefined;
    if (o.totalPath !== null) {
      const raw = required(
        o.totalPath,
        body,
        `total ${o.unit}`,
        'set `total_path: null` if the API has no total',
      );
      total = typeof raw === 'bigint' ? Number(raw) : Number.parseInt(String(raw), 10);
      if (Number.isNaN(total))
        throw paginationError(`total ${o.unit} at path "${o.totalPath}" is not a number`);
    }
    this.current += o.step;
    if (total !== undefined && this.current >= total + o.base) this.stop(`reached total ${total} ${o.unit}`);
    else if (o.maximum !== null && this.current >= o.maximum) this.stop(`reached maximum ${o.maximum}`);
    if (o.hasMorePath !== null) {
      const hasMore = toBoolean(required(o.hasMorePath, body, 'has-more flag', 'check `has_more_path`'));
      this.hasNextPage = hasMore;
      this.stopReason = hasMore ? undefined : 'has-more flag is false';
    }
  }

  protected stop(reason: string): void {
    this.hasNextPage = false;
    this.stopReason = reason;
  }
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw paginationError(`has-more flag must be a boolean, got ${JSON.stringify(String(value))}`);
}
