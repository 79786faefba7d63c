import { describe, expect, it } from 'vitest';
import { JsonLinkPaginator } from './json-link-paginator.js';
import { request, urls, walk } from './paginator-walk.fixture.js';

describe('json_link paginator', () => {
  it('follows the next link until it is null', () => {
    const p = new JsonLinkPaginator();
    const sent = walk(p, [
      { body: { next: 'http://api.test/items?page=2' } },
      { body: { next: 'http://api.test/items?page=3' } },
      { body: { next: null } },
      { body: { next: 'http://api.test/never' } },
    ]);
    expect(urls(sent)).toEqual([
      'http://api.test/items',
      'http://api.test/items?page=2',
      'http://api.test/items?page=3',
    ]);
    expect(p.hasNextPage).toBe(false);
    expect(p.stopReason).toBe('no next link');
  });

  it('stops when the path matches nothing', () => {
    const p = new JsonLinkPaginator({ next_url_path: 'paging.next' });
    expect(walk(p, [{ body: { next: 'http://api.test/wrong-key' } }, {}])).toHaveLength(1);
    expect(p.stopReason).toBe('no next link');
  });

  it('reads the first match of a JSONPath, quoted keys included', () => {
    const first = new JsonLinkPaginator({ next_url_path: 'links[*].href' });
    const links = { links: [{ href: 'http://api.test/a' }, { href: 'http://api.test/b' }] };
    expect(urls(walk(first, [{ body: links }, { body: {} }]))[1]).toBe('http://api.test/a');
    const odata = new JsonLinkPaginator({ next_url_path: "['@odata.nextLink']" });
    const body = { value: [], '@odata.nextLink': 'http://api.test/items?$skiptoken=X1' };
    expect(urls(walk(odata, [{ body }, { body: {} }]))[1]).toBe('http://api.test/items?$skiptoken=X1');
  });

  it('drops the original query params, so a link that repeats them does not duplicate them (dlt#1514)', () => {
    const p = new JsonLinkPaginator();
    const sent = walk(
      p,
      [{ body: { next: 'http://api.test/items?param1=a&page=2' } }, { body: { next: null } }],
      { request: request({ params: { param1: 'a' } }) },
    );
    expect(urls(sent)).toEqual(['http://api.test/items?param1=a', 'http://api.test/items?param1=a&page=2']);
  });

  it.each([
    ['/items?page=2', 'http://api.test/items?page=2'],
    ['more?page=2', 'http://api.test/v1/more?page=2'],
    ['?page=2', 'http://api.test/v1/items?page=2'],
    ['../other', 'http://api.test/other'],
    ['//cdn.test/p?page=2', 'http://cdn.test/p?page=2'],
    ['https://elsewhere.test/p?page=2', 'https://elsewhere.test/p?page=2'],
  ])('resolves the link %s against the requested URL (RFC 3986 §5.2) to %s', (link, expected) => {
    const p = new JsonLinkPaginator();
    const start = request({ url: 'http://api.test/v1/items', params: { a: 1 } });
    const sent = walk(p, [{ body: { next: link } }, { body: {} }], { request: start });
    expect(urls(sent)).toEqual(['http://api.test/v1/items?a=1', expected]);
  });

  it('stops on an empty link instead of sending a request without a URL (beyond dlt)', () => {
    for (const next of ['', '  ']) {
      const p = new JsonLinkPaginator();
      expect(walk(p, [{ body: { next } }, {}])).toHaveLength(1);
      expect(p.stopReason).toBe('next link is empty');
    }
  });

  it('fails on a link that is not a string, naming the path', () => {
    const p = new JsonLinkPaginator({ next_url_path: 'paging.next' });
    expect(() => walk(p, [{ body: { paging: { next: 2 } } }])).toThrow(/at path "paging.next" must be a URL/);
  });

  it('keeps the JSON body of a POST while following links', () => {
    const p = new JsonLinkPaginator();
    const start = request({ method: 'POST', json: { query: 'x' } });
    const sent = walk(p, [{ body: { next: '/items?page=2' } }, { body: {} }], { request: start });
    expect(sent.map((s) => s.json)).toEqual([{ query: 'x' }, { query: 'x' }]);
  });

  it('needs no initRequest (a detected paginator never gets one)', () => {
    const p = new JsonLinkPaginator();
    const sent = walk(p, [{ body: { next: '/items?page=2' } }, { body: {} }], { init: false });
    expect(urls(sent)).toEqual(['http://api.test/items', 'http://api.test/items?page=2']);
  });

  it('starts over on initRequest after a finished walk', () => {
    const p = new JsonLinkPaginator();
    walk(p, [{ body: {} }]);
    expect(p.hasNextPage).toBe(false);
    p.initRequest();
    expect([p.hasNextPage, p.stopReason]).toEqual([true, undefined]);
  });
});
