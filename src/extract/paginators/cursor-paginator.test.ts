import { describe, expect, it } from 'vitest';
import { JsonDouble } from '../../normalize/json-values.js';
import { CursorPaginator } from './cursor-paginator.js';
import { request, urls, walk } from './paginator-walk.fixture.js';

describe('cursor paginator', () => {
  it('sends no cursor first, then each cursor from cursors.next as ?cursor=', () => {
    const p = new CursorPaginator();
    const sent = walk(p, [
      { body: { cursors: { next: 'c2' } } },
      { body: { cursors: { next: 'c3' } } },
      { body: { cursors: { next: null } } },
      { body: { cursors: { next: 'never' } } },
    ]);
    expect(urls(sent)).toEqual([
      'http://api.test/items',
      'http://api.test/items?cursor=c2',
      'http://api.test/items?cursor=c3',
    ]);
    expect(p.stopReason).toBe('cursor empty');
  });

  it.each([
    ['null', { next_cursor: null }],
    ['an empty string', { next_cursor: '' }],
    ['0', { next_cursor: 0 }],
    ['false', { next_cursor: false }],
    ['an empty object', { next_cursor: {} }],
    ['absent', {}],
  ])('stops when the cursor is %s (falsy in Python)', (_name, body) => {
    const p = new CursorPaginator({ cursor_path: 'next_cursor' });
    expect(walk(p, [{ body }, {}])).toHaveLength(1);
    expect([p.hasNextPage, p.stopReason]).toEqual([false, 'cursor empty']);
  });

  it('keeps the other params and uses a custom cursor param', () => {
    const p = new CursorPaginator({ cursor_path: 'meta.after', cursor_param: 'after' });
    const sent = walk(p, [{ body: { meta: { after: 'x' } } }, { body: {} }], {
      request: request({ params: { limit: 50 } }),
    });
    expect(urls(sent)).toEqual(['http://api.test/items?limit=50', 'http://api.test/items?limit=50&after=x']);
  });

  it('sends numbers as Python prints them: 33 → 33, 5.0 → 5.0, true → True', () => {
    const sent = (next: unknown) =>
      urls(walk(new CursorPaginator({ cursor_path: 'next' }), [{ body: { next } as never }, {}]))[1];
    expect(sent(33)).toBe('http://api.test/items?cursor=33');
    expect(sent(new JsonDouble(5))).toBe('http://api.test/items?cursor=5.0');
  });

  it('stops when the has-more flag is false even though there is a cursor', () => {
    for (const hasMore of [false, 'false', 'No']) {
      const p = new CursorPaginator({ has_more_path: 'has_more' });
      expect(walk(p, [{ body: { has_more: hasMore, cursors: { next: 'x' } } }, {}])).toHaveLength(1);
      expect(p.stopReason).toBe('has-more flag is false');
    }
  });

  it('continues on an empty page while has_more is true (stop_after_empty_page is off by default)', () => {
    const p = new CursorPaginator({ cursor_path: 'next', has_more_path: 'has_more' });
    const sent = walk(p, [
      { body: { next: 'a', has_more: true }, records: 0 },
      { body: { next: 'b', has_more: false } },
    ]);
    expect(urls(sent)).toEqual(['http://api.test/items', 'http://api.test/items?cursor=a']);
  });

  it('repeats the request without a cursor when has_more is true but the cursor is empty, as dlt does', () => {
    const p = new CursorPaginator({ has_more_path: 'more' });
    const sent = walk(p, [
      { body: { more: true, cursors: { next: 'a' } } },
      { body: { more: true } },
      { body: { more: false } },
    ]);
    expect(urls(sent)).toEqual([
      'http://api.test/items',
      'http://api.test/items?cursor=a',
      'http://api.test/items',
    ]);
  });

  it('fails when the has-more flag is missing or not a boolean', () => {
    const p = new CursorPaginator({ has_more_path: 'has_more' });
    expect(() => walk(p, [{ body: { cursors: { next: 'x' } } }])).toThrow(/has-more flag not found/);
    expect(() => walk(p, [{ body: { has_more: 1 } }])).toThrow(/must be a boolean/);
    expect(() => walk(p, [{ body: { has_more: 'maybe' } }])).toThrow(/must be a boolean/);
  });

  it('stops on an empty page with stop_after_empty_page, before reading the has-more flag', () => {
    const p = new CursorPaginator({ stop_after_empty_page: true, has_more_path: 'has_more' });
    expect(walk(p, [{ body: { cursors: { next: 'x' } }, records: 0 }, {}])).toHaveLength(1);
    expect(p.stopReason).toBe('empty page');
  });

  it('ends on a final page whose data is null: 10, 4, then 0 records (dlt-hub/dlt#2932)', () => {
    const p = new CursorPaginator({ cursor_path: 'next_token' });
    const sent = walk(p, [
      { body: { users: [], next_token: 't1' }, records: 10 },
      { body: { users: [], next_token: 't2' }, records: 4 },
      { body: { users: null, next_token: null }, records: 0 },
    ]);
    expect(urls(sent)).toHaveLength(3);
    expect([p.hasNextPage, p.stopReason]).toEqual([false, 'cursor empty']);
  });

  it('writes the cursor into the JSON body with cursor_body_path', () => {
    const p = new CursorPaginator({ cursor_path: 'nextPageToken', cursor_body_path: 'page.token' });
    const start = request({ method: 'POST', json: { query: 'q' } });
    const sent = walk(p, [{ body: { nextPageToken: 'abc' } }, { body: {} }], { request: start });
    expect(sent.map((s) => s.json)).toEqual([{ query: 'q' }, { query: 'q', page: { token: 'abc' } }]);
    expect(urls(sent)[1]).toBe('http://api.test/items');
  });

  it('refuses cursor_param together with cursor_body_path, and empty names', () => {
    expect(() => new CursorPaginator({ cursor_param: 'c', cursor_body_path: 'c' })).toThrow(/not both/);
    expect(() => new CursorPaginator({ cursor_param: '' })).toThrow(/must not be empty/);
  });

  describe('initial_cursor (beyond dlt, dlt-hub/dlt#4428)', () => {
    it('sends the initial cursor on the first request, an empty string included', () => {
      const p = new CursorPaginator({ cursor_path: 'next', initial_cursor: '' });
      const sent = walk(p, [{ body: { next: 'n1' } }, { body: {} }]);
      expect(urls(sent)).toEqual(['http://api.test/items?cursor=', 'http://api.test/items?cursor=n1']);
    });

    it('writes it into the JSON body with cursor_body_path', () => {
      const p = new CursorPaginator({ cursor_body_path: 'cursorMark', initial_cursor: '*' });
      const sent = walk(p, [{ body: {} }], { request: request({ method: 'POST', json: {} }) });
      expect(sent[0]?.json).toEqual({ cursorMark: '*' });
    });

    it('sends a numeric initial cursor 0', () => {
      const sent = walk(new CursorPaginator({ initial_cursor: 0 }), [{ body: {} }]);
      expect(urls(sent)).toEqual(['http://api.test/items?cursor=0']);
    });
  });

  it('needs no initRequest: a detected cursor paginator sends no cursor first', () => {
    const p = new CursorPaginator({ cursor_path: 'next_cursor' });
    const sent = walk(p, [{ body: { next_cursor: 'c1' } }, { body: {} }], { init: false });
    expect(urls(sent)).toEqual(['http://api.test/items', 'http://api.test/items?cursor=c1']);
  });
});
