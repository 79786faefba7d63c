import { describe, expect, it } from 'vitest';
import type { RequestSpec } from '../http/request-spec.js';
import { OffsetPaginator, PageNumberPaginator } from './offset-paginator.js';
import { request, response as responseAt, walkParams as walk } from './paginator-walk.fixture.js';

const response = responseAt('http://api.test/items');

describe('offset paginator', () => {
  it('walks offsets until the total: total 25, limit 10 → offsets 0, 10, 20', () => {
    const pages = [0, 1, 2, 3].map(() => ({ body: { total: 25 }, n: 10 }));
    const p = new OffsetPaginator({ type: 'offset', limit: 10 });
    expect(walk(p, pages)).toEqual([
      { offset: 0, limit: 10 },
      { offset: 10, limit: 10 },
      { offset: 20, limit: 10 },
    ]);
    expect(p.stopReason).toBe('reached total 25 items');
  });

  it('accepts a numeric string total', () => {
    const p = new OffsetPaginator({ type: 'offset', limit: 10 });
    expect(
      walk(p, [
        { body: { total: '20' }, n: 10 },
        { body: { total: '20' }, n: 10 },
      ]),
    ).toHaveLength(2);
  });

  it('stops when the page is empty, before reading the total', () => {
    const p = new OffsetPaginator({ type: 'offset', limit: 10 });
    expect(
      walk(p, [
        { body: { total: 100 }, n: 10 },
        { body: {}, n: 0 },
        { body: {}, n: 10 },
      ]),
    ).toHaveLength(2);
    expect(p.stopReason).toBe('empty page');
  });

  it('after total 20 with limit 10: offset 10 and go on after page 1, stop after page 2', () => {
    const p = new OffsetPaginator({ type: 'offset', limit: 10 });
    const req = request();
    p.initRequest(req);
    p.updateState({ response, body: { total: 20 }, data: [{}] });
    p.updateRequest(req);
    expect([req.params.offset, p.hasNextPage]).toEqual([10, true]);
    p.updateState({ response, body: { total: 20 }, data: [{}] });
    expect(p.hasNextPage).toBe(false);
  });

  it('treats maximum_offset as exclusive: limit 50, max 100 → offsets 0 and 50', () => {
    const p = new OffsetPaginator({ type: 'offset', limit: 50, maximum_offset: 100, total_path: null });
    const sent = walk(
      p,
      [0, 1, 2].map(() => ({ body: {}, n: 50 })),
    );
    expect(sent.map((s) => s.offset)).toEqual([0, 50]);
  });

  it('lets has_more override the total', () => {
    const p = new OffsetPaginator({ type: 'offset', limit: 10, has_more_path: 'more' });
    const pages = [
      { body: { total: 10, more: 'true' }, n: 10 },
      { body: { total: 10, more: false }, n: 10 },
    ];
    expect(walk(p, pages)).toHaveLength(2);
    expect(() =>
      walk(new OffsetPaginator({ type: 'offset', limit: 1, has_more_path: 'more' }), [
        { body: { total: 9, more: 'maybe' }, n: 1 },
      ]),
    ).toThrow(/boolean/);
  });

  it('uses custom parameter names and a starting offset', () => {
    const p = new OffsetPaginator({
      type: 'offset',
      limit: 42,
      offset: 123,
      offset_param: 'skip',
      limit_param: 'take',
      total_path: null,
    });
    expect(walk(p, [{ body: {}, n: 0 }])).toEqual([{ skip: 123, take: 42 }]);
  });

  it('writes offset and limit into the JSON body when body paths are given', () => {
    const p = new OffsetPaginator({
      type: 'offset',
      limit: 5,
      offset_body_path: 'page.offset',
      limit_body_path: 'page.size',
      total_path: null,
    });
    const req = request();
    p.initRequest(req);
    expect(req.json).toEqual({ page: { offset: 0, size: 5 } });
    expect(req.params).toEqual({});
  });

  it('refuses a config with no way to stop', () => {
    expect(
      () =>
        new OffsetPaginator({ type: 'offset', limit: 10, total_path: null, stop_after_empty_page: false }),
    ).toThrow(/must be set/);
  });

  it('refuses a param and a body path for the same value', () => {
    expect(
      () => new OffsetPaginator({ type: 'offset', limit: 1, offset_param: 'o', offset_body_path: 'o' }),
    ).toThrow(/not both/);
  });
});

describe('page number paginator', () => {
  it('walks pages 1, 2, 3 with base 1 and 3 total pages', () => {
    const p = new PageNumberPaginator({ type: 'page_number', base_page: 1, total_path: 'total_pages' });
    const sent = walk(
      p,
      [0, 1, 2, 3].map(() => ({ body: { total_pages: 3 }, n: 5 })),
    );
    expect(sent).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }]);
  });

  it('stops on an empty page without advancing: base 1, page 1 → still page 1', () => {
    const p = new PageNumberPaginator({ type: 'page_number', base_page: 1, page: 1, total_path: null });
    const req = request();
    p.initRequest(req);
    p.updateState({ response, body: {}, data: [] });
    p.updateRequest(req);
    expect([p.hasNextPage, req.params.page, p.stopReason]).toEqual([false, 1, 'empty page']);
  });

  it('writes the page into the JSON body of a POST when page_body_path is given', () => {
    const p = new PageNumberPaginator({
      type: 'page_number',
      page_body_path: 'paging.page',
      total_path: null,
    });
    const req: RequestSpec = { ...request(), method: 'POST', json: { query: 'x' } };
    p.initRequest(req);
    p.updateState({ response, body: {}, data: [{}] });
    p.updateRequest(req);
    expect(req.json).toEqual({ query: 'x', paging: { page: 1 } });
    expect(req.params).toEqual({});
  });

  it('lets has_more keep paging past maximum_page, as dlt does', () => {
    const p = new PageNumberPaginator({
      type: 'page_number',
      maximum_page: 1,
      total_path: null,
      has_more_path: 'more',
    });
    const pages = [
      { body: { more: true }, n: 1 },
      { body: { more: 'no' }, n: 1 },
    ];
    expect(walk(p, pages)).toEqual([{ page: 0 }, { page: 1 }]);
    expect(p.stopReason).toBe('has-more flag is false');
  });

  it('stops before maximum_page (exclusive)', () => {
    const p = new PageNumberPaginator({
      type: 'page_number',
      base_page: 1,
      maximum_page: 3,
      total_path: null,
    });
    expect(
      walk(
        p,
        [0, 1, 2].map(() => ({ body: {}, n: 5 })),
      ),
    ).toEqual([{ page: 1 }, { page: 2 }]);
  });
});
