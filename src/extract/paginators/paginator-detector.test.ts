import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaginatorConfig } from '../../config/paginator-schema.js';
import type { JsonValue } from '../../normalize/json-values.js';
import type { HttpResponse } from '../http/http-client.js';
import { parseJsonBody } from '../http/json-body.js';
import { detectPaginator } from './paginator-detector.js';
import { records, response, urls, walk } from './paginator-walk.fixture.js';

const detect = (body: JsonValue, headers: Record<string, string> = {}) => {
  const found = detectPaginator(response('http://api.test/items', headers), body, records(1));
  return [found.description, found.score];
};

interface Vector {
  name: string;
  /** JSON text, parsed as responses are (so `7.0` stays a float). */
  body: string;
  headers: Record<string, string>;
  config: PaginatorConfig;
  score: number;
}
const { vectors } = JSON.parse(
  readFileSync(new URL('./paginator-detector.vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

describe('paginator detection', () => {
  it.each(vectors)('detects like dlt: $name', ({ body, headers, config, score }) => {
    const page: HttpResponse = { ...response('http://api.test/items', headers), body: Buffer.from(body) };
    const found = detectPaginator(page, parseJsonBody(page, 'GET', page.url), records(1));
    expect([found.config, found.score]).toEqual([config, score]);
  });

  it('describes what it found', () => {
    expect(detect({ next: 'https://x.test/2' })).toEqual(['json_link (next_url_path "next")', 1]);
    expect(detect([1], { link: '</2>; rel=next' })).toEqual(['header_link (Link header with rel="next")', 1]);
    expect(detect({ meta: { totalPages: 2 } })).toEqual(['page_number (total_path "meta.totalPages")', 0.5]);
    expect(detect({ next_id: 3 })).toEqual(['cursor (cursor_path "next_id", cursor_param "cursor")', 0.5]);
    expect(detect({ id: 1 })).toEqual(['single_page (no pagination detected)', 0]);
  });

  it('reads rel=next in the Link header per RFC 8288, where dlt needs exactly rel="next" (beyond dlt)', () => {
    expect(detect([1], { link: '<https://x.test/2>; rel="Next"' })[0]).toMatch(/^header_link/);
    expect(detect([1], { link: '<https://x.test/2>; rel="next last"' })[0]).toMatch(/^header_link/);
  });

  it('bracket-quotes a key that a dotted path would misread (beyond dlt)', () => {
    expect(detect({ 'page info': { next: 'https://x.test/2' } })[0]).toBe(
      `json_link (next_url_path "['page info'].next")`,
    );
    expect(detect({ 'next.url': 'https://x.test/2' })[0]).toBe(`json_link (next_url_path "['next.url']")`);
  });

  it('returns the config to paste and a warning for guessed settings', () => {
    const found = detectPaginator(
      response('http://api.test/x'),
      { data: [1], pagination: { totalPages: 5 } },
      records(1),
    );
    expect(found.config).toEqual({ type: 'page_number', total_path: 'pagination.totalPages' });
    expect(found.warning).toMatch(/verify/);
    expect(detectPaginator(response('http://api.test/x'), { next: '/p2' }, []).warning).toBeUndefined();
  });

  it('warns about the single-page fallback for a list of records, not for a single object', () => {
    const url = response('http://api.test/x');
    expect(detectPaginator(url, [{ id: 1 }, { id: 2 }], records(2)).warning).toMatch(/single page/);
    expect(detectPaginator(url, { id: 1 }, records(1)).warning).toBeUndefined();
  });

  it('gives a detected page_number no initRequest, as dlt: no page, then page=1, page=2 for 3 pages', () => {
    const body = { items: [1], total_pages: 3 };
    const { paginator } = detectPaginator(response('http://api.test/items'), body, records(1));
    const sent = walk(paginator, [{ body }, { body }, { body }, { body }], { init: false });
    expect(urls(sent)).toEqual([
      'http://api.test/items',
      'http://api.test/items?page=1',
      'http://api.test/items?page=2',
    ]);
    expect(paginator.stopReason).toBe('reached total 3 pages');
  });

  it('gives a detected cursor no initRequest: no cursor, then each next_cursor', () => {
    const page = (next: string | null) => ({ body: { items: [1], next_cursor: next } });
    const first = page('c1').body;
    const { paginator } = detectPaginator(response('http://api.test/items'), first, records(1));
    const sent = walk(paginator, [page('c1'), page('c2'), page(null)], { init: false });
    expect(urls(sent)).toEqual([
      'http://api.test/items',
      'http://api.test/items?cursor=c1',
      'http://api.test/items?cursor=c2',
    ]);
  });

  it('gives a detected json_link that follows from the first page', () => {
    const first = { results: [1], next: 'http://api.test/items?page=2' };
    const { paginator } = detectPaginator(response('http://api.test/items?size=5'), first, records(1));
    const sent = walk(paginator, [{ body: first }, { body: { next: null } }], { init: false });
    expect(urls(sent)).toEqual(['http://api.test/items', 'http://api.test/items?page=2']);
  });
});
