import { describe, expect, it } from 'vitest';
import { findLinkTarget, parseLinkHeader } from './link-header.js';

const parsed = (header: string) =>
  parseLinkHeader(header).map(({ target, rels, params }) => ({ target, rels, params: { ...params } }));

describe('Link header parsing (RFC 8288)', () => {
  it('reads several links with their relation types and params', () => {
    expect(parsed('<https://a.test/2>; rel="next"; title="Page 2", <https://a.test/9>; rel=last')).toEqual([
      { target: 'https://a.test/2', rels: ['next'], params: { rel: 'next', title: 'Page 2' } },
      { target: 'https://a.test/9', rels: ['last'], params: { rel: 'last' } },
    ]);
  });

  it('keeps commas and semicolons that are inside the target or a quoted string', () => {
    expect(
      parsed('<https://a.test/?ids=1,2;3>; title="a, b; c"; rel="next", <https://a.test/0>; rel=prev'),
    ).toEqual([
      { target: 'https://a.test/?ids=1,2;3', rels: ['next'], params: { title: 'a, b; c', rel: 'next' } },
      { target: 'https://a.test/0', rels: ['prev'], params: { rel: 'prev' } },
    ]);
  });

  it('unescapes quoted-pairs in quoted strings (RFC 9110 §5.6.4)', () => {
    expect(parsed('</x>; title="say \\"hi\\""; rel=next')[0]?.params.title).toBe('say "hi"');
  });

  it('splits a rel with several relation types and lower-cases them', () => {
    expect(parsed('</x>; rel="Next  LAST"')[0]?.rels).toEqual(['next', 'last']);
  });

  it('ignores every rel after the first one of a link (RFC 8288 §3.3)', () => {
    expect(parsed('</x>; rel=prev; rel=next')[0]?.rels).toEqual(['prev']);
  });

  it('reads param names case-insensitively and tolerates spaces around "="', () => {
    expect(parsed('</x> ;REL = "next" ; Type=text/html')[0]?.params).toEqual({
      rel: 'next',
      type: 'text/html',
    });
  });

  it('skips a malformed link-value and goes on with the next one', () => {
    expect(parsed('garbage; rel=next, </ok>; rel=next').map((l) => l.target)).toEqual(['/ok']);
    expect(parsed('</a>; rel=next junk "x,y", </b>; rel=prev').map((l) => l.target)).toEqual(['/a', '/b']);
  });

  it('reads links of several Link headers joined with a comma', () => {
    expect(parsed('</a>; rel=prev, </b>; rel=next').map((l) => l.rels[0])).toEqual(['prev', 'next']);
  });

  it('returns nothing for an empty or unterminated header', () => {
    expect(parsed('')).toEqual([]);
    expect(parsed('  ,  ')).toEqual([]);
    expect(parsed('<https://a.test/2; rel=next')).toEqual([]);
  });

  it('finds the first link of a relation, or nothing', () => {
    expect(findLinkTarget('</1>; rel=next, </2>; rel=next', 'next')).toBe('/1');
    expect(findLinkTarget('</1>; rel=prev', 'next')).toBeUndefined();
    expect(findLinkTarget(undefined, 'next')).toBeUndefined();
  });
});
