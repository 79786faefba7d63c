import { describe, expect, it } from 'vitest';
import type { ResponseField } from './openapi-collection.js';
import { inferPaginator } from './openapi-paginator.js';

const int = { type: 'integer' };
const str = { type: 'string' };
const query = (...names: string[]) => names.map((name) => ({ name, schema: int }));
const fields = (entries: Record<string, object>): ResponseField[] =>
  Object.entries(entries).map(([path, schema]) => ({ path, schema: schema as Record<string, unknown> }));

describe('inferPaginator', () => {
  it('reads limit/offset parameters as an offset paginator with the total from count', () => {
    const guess = inferPaginator({
      queryParams: query('limit', 'offset', 'q'),
      fields: fields({ count: int, next: { type: 'string', format: 'uri' }, previous: str }),
      linkHeader: false,
    });
    expect(guess.paginator).toEqual({ type: 'offset', limit: 100, total_path: 'count' });
    expect(guess.note).toContain('total from "count"');
  });

  it("names non-default parameters and takes the limit's maximum as the page size", () => {
    const guess = inferPaginator({
      queryParams: [
        { name: 'skip', schema: int },
        { name: 'take', schema: { type: 'integer', maximum: 250 } },
      ],
      fields: fields({ meta: { type: 'object' }, 'meta.total_count': int }),
      linkHeader: false,
    });
    expect(guess.paginator).toEqual({
      type: 'offset',
      limit: 250,
      offset_param: 'skip',
      limit_param: 'take',
      total_path: 'meta.total_count',
    });
  });

  it('stops an offset paginator at an empty page when the body has no total', () => {
    const guess = inferPaginator({ queryParams: query('offset', 'limit'), fields: [], linkHeader: false });
    expect(guess.paginator).toEqual({ type: 'offset', limit: 100, total_path: null });
    expect(guess.note).toContain('stops at an empty page');
  });

  it('reads page/per_page as page_number with the size as a param, first page 1', () => {
    const guess = inferPaginator({
      queryParams: query('page', 'per_page'),
      fields: fields({ total_pages: int, total: int }),
      linkHeader: false,
    });
    expect(guess).toMatchObject({
      paginator: { type: 'page_number', base_page: 1, total_path: 'total_pages' },
      params: { per_page: 100 },
    });
  });

  it('starts page_number at 0 when the parameter says so, page_size named as given', () => {
    const guess = inferPaginator({
      queryParams: [
        { name: 'page', schema: { type: 'integer', minimum: 0 } },
        { name: 'page_size', schema: { type: 'integer', maximum: 50 } },
      ],
      fields: [],
      linkHeader: false,
    });
    expect(guess.paginator).toEqual({ type: 'page_number', base_page: 0, total_path: null });
    expect(guess.params).toEqual({ page_size: 50 });
  });

  it('pairs a cursor parameter with the cursor field of the body, and has_more', () => {
    const guess = inferPaginator({
      queryParams: [{ name: 'starting_after', schema: str }],
      fields: fields({ has_more: { type: 'boolean' }, 'meta.next_cursor': str }),
      linkHeader: false,
    });
    expect(guess.paginator).toEqual({
      type: 'cursor',
      cursor_path: 'meta.next_cursor',
      cursor_param: 'starting_after',
      has_more_path: 'has_more',
    });
  });

  it('follows a next URL in the body with json_link, nested under links too', () => {
    expect(
      inferPaginator({
        queryParams: [],
        fields: fields({ next: { type: 'string', format: 'uri' } }),
        linkHeader: false,
      }).paginator,
    ).toEqual({ type: 'json_link', next_url_path: 'next' });
    expect(
      inferPaginator({
        queryParams: [],
        fields: fields({
          _links: { type: 'object' },
          '_links.next': { type: 'object' },
          '_links.next.href': str,
        }),
        linkHeader: false,
      }).paginator,
    ).toEqual({ type: 'json_link', next_url_path: '_links.next.href' });
  });

  it('prefers a documented Link header', () => {
    expect(inferPaginator({ queryParams: query('page'), fields: [], linkHeader: true }).paginator).toEqual({
      type: 'header_link',
    });
  });

  it('leaves half a cursor to detection and no paging hints to a single page', () => {
    expect(
      inferPaginator({ queryParams: [{ name: 'cursor', schema: str }], fields: [], linkHeader: false })
        .paginator,
    ).toEqual({ type: 'auto' });
    expect(
      inferPaginator({ queryParams: query('q'), fields: fields({ total: int }), linkHeader: false })
        .paginator,
    ).toEqual({
      type: 'single_page',
    });
  });
});
