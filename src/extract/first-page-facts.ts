import type { Paginator } from './paginators/paginator.js';
import { RangePaginator } from './paginators/range-paginator.js';

/** What a resource's first page tells about its walk: for progress (a total) and the dry run. */
export interface FirstPageFacts {
  /** The data selector used: the configured one, or what detection found (`$` for the body itself). */
  selector: string;
  /** What paginator detection found, when none was configured: `json_link (next_url_path "next")`. */
  detectedPaginator?: string;
  /** Pages of the whole walk, when a total (or maximum) bounds it: offset and page-number paginators. */
  expectedPages?: number;
}

export function firstPageFacts(
  paginator: Paginator,
  selector: string | undefined,
  detectedPaginator: string | undefined,
): FirstPageFacts {
  // Positions still to fetch after the first page; known only when no has-more flag decides.
  const planned = paginator instanceof RangePaginator ? paginator.plannedPositions() : undefined;
  return {
    selector: selector ?? '$',
    ...(detectedPaginator === undefined ? {} : { detectedPaginator }),
    ...(planned === undefined ? {} : { expectedPages: 1 + planned.length }),
  };
}
