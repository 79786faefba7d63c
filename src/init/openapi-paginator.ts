import { isUrlField, type ResponseField } from './openapi-collection.js';
import type { JsonObject } from './openapi-document.js';

/** What the paginator inference reads: the operation's query parameters and its response fields. */
export interface PagingHints {
  queryParams: ReadonlyArray<{ name: string; schema: JsonObject }>;
  /** Body fields other than the record list (see `collectionShape`). */
  fields: readonly ResponseField[];
  /** The response documents a `Link` header. */
  linkHeader: boolean;
}

/** A paginator for the config, extra query params it needs (a page size), and why it was chosen. */
export interface PaginatorGuess {
  paginator: Record<string, unknown>;
  params?: Record<string, number>;
  note: string;
}

const OFFSET_PARAMS = ['offset', 'skip', 'start'];
const LIMIT_PARAMS = [
  'limit',
  'per_page',
  'perpage',
  'page_size',
  'pagesize',
  'size',
  'count',
  'take',
  'top',
];
const PAGE_PARAMS = ['page', 'page_number', 'pagenumber'];
const CURSOR_PARAMS = [
  'cursor',
  'after',
  'page_token',
  'pagetoken',
  'next_token',
  'nexttoken',
  'starting_after',
  'continuation',
  'continuation_token',
  'continuationtoken',
  'page_after',
];
const TOTAL_FIELDS = [
  'total',
  'count',
  'total_count',
  'totalcount',
  'total_results',
  'totalresults',
  'total_items',
  'totalitems',
];
const TOTAL_PAGE_FIELDS = [
  'total_pages',
  'totalpages',
  'pages',
  'page_count',
  'pagecount',
  'last_page',
  'lastpage',
  'num_pages',
];
const CURSOR_FIELDS = [
  'next_cursor',
  'nextcursor',
  'cursor',
  'next_page_token',
  'nextpagetoken',
  'next_token',
  'nexttoken',
  'end_cursor',
  'endcursor',
  'after',
  'continuation_token',
  'next',
];
const HAS_MORE_FIELDS = [
  'has_more',
  'hasmore',
  'has_next',
  'hasnext',
  'has_next_page',
  'hasnextpage',
  'more',
];

const DEFAULT_PAGE_SIZE = 100;
const lastSegment = (path: string) => (path.split('.').pop() ?? path).toLowerCase();
const findParam = (hints: PagingHints, names: string[]) =>
  hints.queryParams.find((param) => names.includes(param.name.toLowerCase()));
const findField = (hints: PagingHints, names: string[], accept: (f: ResponseField) => boolean = () => true) =>
  names
    .map((name) => hints.fields.find((field) => lastSegment(field.path) === name && accept(field)))
    .find((field) => field !== undefined);

const isNumeric = (field: ResponseField) => {
  const type = field.schema.type;
  const types = Array.isArray(type) ? type : [type];
  return type === undefined || types.includes('integer') || types.includes('number');
};

const isScalar = (field: ResponseField) => {
  const type = field.schema.type;
  const types = Array.isArray(type) ? type : [type];
  return !types.includes('object') && !types.includes('array');
};

/** A string field that holds a URL: `format: uri`, a link-like name, or an example URL. */
function holdsUrl(field: ResponseField): boolean {
  const example = field.schema.example;
  if (typeof example === 'string' && /^(https?:\/\/|\/)/.test(example)) return true;
  return isUrlField(lastSegment(field.path), field.schema);
}

/** The page size to ask for: the parameter's `maximum` (capped at 1000), else 100. */
function pageSize(schema: JsonObject): { size: number; why: string } {
  const maximum = typeof schema.maximum === 'number' ? Math.floor(schema.maximum) : undefined;
  if (maximum !== undefined && maximum >= 1) {
    const size = Math.min(maximum, 1000);
    return {
      size,
      why: `page size ${size}, the parameter's maximum${maximum > 1000 ? ' capped at 1000' : ''}`,
    };
  }
  return {
    size: DEFAULT_PAGE_SIZE,
    why: `page size ${DEFAULT_PAGE_SIZE} is a choice (the spec sets no maximum)`,
  };
}

function totalNote(field: ResponseField | undefined, what: string): string {
  return field === undefined
    ? `no ${what} field in the spec: stops at an empty page`
    : `${what} from "${field.path}"`;
}

/** A `next` link in the body: a URL field whose name (or its parent's, `_links.next.href`) starts with `next`. */
function nextLinkField(hints: PagingHints): ResponseField | undefined {
  return hints.fields.find((field) => {
    const segments = field.path.toLowerCase().split('.');
    const named = segments.slice(-2).some((segment) => segment.startsWith('next'));
    return named && isScalar(field) && holdsUrl(field);
  });
}

/**
 * Guesses dlt's paginator for a list endpoint from its documented query parameters and response
 * fields (reference §3): a `Link` header → header_link; `offset` + `limit` → offset; `page` (+ a size)
 * → page_number; a cursor parameter with a cursor field → cursor; a `next` URL field → json_link;
 * no paging hints → single_page.
 */
export function inferPaginator(hints: PagingHints): PaginatorGuess {
  if (hints.linkHeader) {
    return { paginator: { type: 'header_link' }, note: 'header_link: the response documents a Link header' };
  }
  const offset = findParam(hints, OFFSET_PARAMS);
  const limit = findParam(hints, LIMIT_PARAMS);
  if (offset !== undefined && limit !== undefined) {
    const total = findField(hints, TOTAL_FIELDS, isNumeric);
    const { size, why } = pageSize(limit.schema);
    return {
      paginator: {
        type: 'offset',
        limit: size,
        ...(offset.name === 'offset' ? {} : { offset_param: offset.name }),
        ...(limit.name === 'limit' ? {} : { limit_param: limit.name }),
        total_path: total?.path ?? null,
      },
      note: `offset from the query parameters ${offset.name}/${limit.name}; ${totalNote(total, 'total')}; ${why}`,
    };
  }
  const page = findParam(hints, PAGE_PARAMS);
  if (page !== undefined) {
    const sizeParam = findParam(hints, LIMIT_PARAMS);
    const total = findField(hints, TOTAL_PAGE_FIELDS, isNumeric);
    const zeroBased = page.schema.minimum === 0 || page.schema.default === 0;
    const size = sizeParam === undefined ? undefined : pageSize(sizeParam.schema);
    return {
      paginator: {
        type: 'page_number',
        base_page: zeroBased ? 0 : 1,
        ...(page.name === 'page' ? {} : { page_param: page.name }),
        total_path: total?.path ?? null,
      },
      ...(sizeParam && size ? { params: { [sizeParam.name]: size.size } } : {}),
      note: `page_number from the query parameter ${page.name}${sizeParam ? `/${sizeParam.name}` : ''}; first page ${zeroBased ? '0 (the spec says so)' : '1 (a guess)'}; ${totalNote(total, 'total pages')}${size ? `; ${size.why}` : ''}`,
    };
  }
  const cursorParam = findParam(hints, CURSOR_PARAMS);
  const cursorField = findField(hints, CURSOR_FIELDS, (f) => isScalar(f) && !holdsUrl(f));
  const hasMore = findField(hints, HAS_MORE_FIELDS, isScalar);
  if (cursorParam !== undefined && cursorField !== undefined) {
    return {
      paginator: {
        type: 'cursor',
        cursor_path: cursorField.path,
        cursor_param: cursorParam.name,
        ...(hasMore ? { has_more_path: hasMore.path } : {}),
      },
      note: `cursor: "${cursorField.path}" in the body goes to the query parameter ${cursorParam.name}${hasMore ? `; "${hasMore.path}" says when to stop` : ''}`,
    };
  }
  const link = nextLinkField(hints);
  if (link !== undefined) {
    return {
      paginator: { type: 'json_link', next_url_path: link.path },
      note: `json_link: the next page's URL is in "${link.path}"`,
    };
  }
  if (cursorParam !== undefined || cursorField !== undefined) {
    return {
      paginator: { type: 'auto' },
      note: 'auto: the spec has half a cursor (a parameter or a field, not both); detected from the first response',
    };
  }
  return {
    paginator: { type: 'single_page' },
    note: 'single_page: the spec shows no paging parameters or fields',
  };
}
