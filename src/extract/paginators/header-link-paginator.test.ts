import { describe, expect, it } from 'vitest';
import { HeaderLinkPaginator } from './header-link-paginator.js';
import { request, urls, walk } from './paginator-walk.fixture.js';

const link = (value: string) => ({ headers: { link: value } });

describe('header_link paginator', () => {
  it('follows rel="next" until the Link header has none', () => {
    const p = new HeaderLinkPaginator();
    const sent = walk(
      p,
      [
        link('<http://api.test/items?page=2>; rel="next", <http://api.test/items?page=3>; rel="last"'),
        link('<http://api.test/items?page=1>; rel="prev", <http://api.test/items?page=3>; rel="next"'),
        link('<http://api.test/items?page=2>; rel="prev"'),
        link('<http://api.test/never>; rel="next"'),
      ],
      { request: request({ params: { per_page: 100 } }) },
    );
    expect(urls(sent)).toEqual([
      'http://api.test/items?per_page=100',
      'http://api.test/items?page=2',
      'http://api.test/items?page=3',
    ]);
    expect(p.stopReason).toBe('no next link');
  });

  it('stops when the response has no Link header', () => {
    const p = new HeaderLinkPaginator();
    expect(walk(p, [{}, {}])).toHaveLength(1);
    expect(p.stopReason).toBe('no next link');
  });

  it('matches the relation case-insensitively and among several relation types (RFC 8288 §3.3)', () => {
    for (const value of ['</p2>; rel="NEXT"', '</p2>; rel="last next"', '</p2>; REL=next']) {
      const sent = walk(new HeaderLinkPaginator(), [link(value), {}]);
      expect(urls(sent)[1]).toBe('http://api.test/p2');
    }
  });

  it('follows another relation when links_next_key names it', () => {
    const p = new HeaderLinkPaginator({ links_next_key: 'forward' });
    const sent = walk(p, [link('</a>; rel="next", </b>; rel="forward"'), {}]);
    expect(urls(sent)[1]).toBe('http://api.test/b');
  });

  it('keeps commas inside the link target', () => {
    const sent = walk(new HeaderLinkPaginator(), [
      link('</items?ids=1,2&page=2>; rel="next", </x>; rel="prev"'),
      {},
    ]);
    expect(urls(sent)[1]).toBe('http://api.test/items?ids=1,2&page=2');
  });

  it('resolves a relative target against the requested URL', () => {
    const start = request({ url: 'http://api.test/v1/items', params: { q: 'a' } });
    const sent = walk(new HeaderLinkPaginator(), [link('<items?page=2>; rel=next'), {}], { request: start });
    expect(urls(sent)).toEqual(['http://api.test/v1/items?q=a', 'http://api.test/v1/items?page=2']);
  });

  it('stops on an empty target instead of sending a request without a URL (beyond dlt)', () => {
    const p = new HeaderLinkPaginator();
    expect(walk(p, [link('<>; rel="next"'), {}])).toHaveLength(1);
    expect(p.stopReason).toBe('next link is empty');
  });

  it('reads the header whatever the case of its name', () => {
    const sent = walk(new HeaderLinkPaginator(), [{ headers: { Link: '</p2>; rel="next"' } }, {}]);
    expect(urls(sent)[1]).toBe('http://api.test/p2');
  });
});
