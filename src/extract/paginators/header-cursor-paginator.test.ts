import { describe, expect, it } from 'vitest';
import { HeaderCursorPaginator } from './header-cursor-paginator.js';
import { request, urls, walk } from './paginator-walk.fixture.js';

describe('header_cursor paginator', () => {
  it('sends the "next" header back as ?cursor= until the header is absent', () => {
    const p = new HeaderCursorPaginator();
    const sent = walk(
      p,
      [{ headers: { next: 'abc' } }, { headers: { next: 'def' } }, {}, { headers: { next: 'x' } }],
      {
        request: request({ params: { size: 10 } }),
      },
    );
    expect(urls(sent)).toEqual([
      'http://api.test/items?size=10',
      'http://api.test/items?size=10&cursor=abc',
      'http://api.test/items?size=10&cursor=def',
    ]);
    expect(p.stopReason).toBe('no "next" header');
  });

  it('finds the header whatever the case of cursor_key and of the response header', () => {
    const p = new HeaderCursorPaginator({ cursor_key: 'NextPageToken', cursor_param: 'page_token' });
    expect(urls(walk(p, [{ headers: { nextpagetoken: '123' } }, {}]))[1]).toBe(
      'http://api.test/items?page_token=123',
    );
    const q = new HeaderCursorPaginator({ cursor_key: 'x-next' });
    expect(urls(walk(q, [{ headers: { 'X-Next': '9' } }, {}]))[1]).toBe('http://api.test/items?cursor=9');
  });

  it('stops on an empty header value instead of asking for the same page forever (beyond dlt)', () => {
    const p = new HeaderCursorPaginator();
    expect(walk(p, [{ headers: { next: '' } }, {}])).toHaveLength(1);
    expect(p.stopReason).toBe('"next" header is empty');
  });

  it('sends initial_cursor on the first request (beyond dlt)', () => {
    const p = new HeaderCursorPaginator({ initial_cursor: '*' });
    const sent = walk(p, [{ headers: { next: 'n2' } }, {}]);
    expect(urls(sent)).toEqual(['http://api.test/items?cursor=*', 'http://api.test/items?cursor=n2']);
  });
});
