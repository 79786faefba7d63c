import { describe, expect, it } from 'vitest';
import { type PaginatorConfig, paginatorConfigSchema } from '../../config/paginator-schema.js';
import { ConfigError } from '../../errors/tributary-error.js';
import { createPaginator } from './create-paginator.js';
import { CursorPaginator } from './cursor-paginator.js';
import { HeaderCursorPaginator } from './header-cursor-paginator.js';
import { HeaderLinkPaginator } from './header-link-paginator.js';
import { JsonLinkPaginator } from './json-link-paginator.js';
import { OffsetPaginator, PageNumberPaginator } from './offset-paginator.js';
import { SinglePagePaginator } from './single-page-paginator.js';

describe('createPaginator', () => {
  it.each<[PaginatorConfig, unknown]>([
    ['single_page', SinglePagePaginator],
    ['page_number', PageNumberPaginator],
    ['json_link', JsonLinkPaginator],
    ['json_response', JsonLinkPaginator],
    ['header_link', HeaderLinkPaginator],
    ['cursor', CursorPaginator],
    ['header_cursor', HeaderCursorPaginator],
    [{ type: 'offset', limit: 10 }, OffsetPaginator],
    [{ type: 'page_number', base_page: 1 }, PageNumberPaginator],
    [{ type: 'json_link', next_url_path: 'paging.next' }, JsonLinkPaginator],
    [{ type: 'json_response', next_url_path: 'paging.next' }, JsonLinkPaginator],
    [{ type: 'header_link', links_next_key: 'next' }, HeaderLinkPaginator],
    [{ type: 'cursor', cursor_path: 'next', initial_cursor: '' }, CursorPaginator],
    [{ type: 'header_cursor', cursor_key: 'X-Next' }, HeaderCursorPaginator],
  ])('builds %j', (config, kind) => {
    expect(createPaginator(config)).toBeInstanceOf(kind);
  });

  it('builds a name alone with its defaults', () => {
    expect((createPaginator('cursor') as CursorPaginator).cursorPath).toBe('cursors.next');
    expect((createPaginator('cursor') as CursorPaginator).target).toEqual({ param: 'cursor' });
    expect((createPaginator('json_response') as JsonLinkPaginator).nextUrlPath).toBe('next');
    expect((createPaginator('header_link') as HeaderLinkPaginator).linksNextKey).toBe('next');
    expect((createPaginator('header_cursor') as HeaderCursorPaginator).cursorParam).toBe('cursor');
  });

  it('leaves detection to the first response for no config, auto, and a dict without type', () => {
    expect(createPaginator(undefined)).toBeUndefined();
    expect(createPaginator(null)).toBeUndefined();
    expect(createPaginator('auto')).toBeUndefined();
    expect(createPaginator({ type: 'auto' })).toBeUndefined();
    expect(createPaginator({ type: 'auto', next_url_path: 'x' })).toBeUndefined();
    expect(createPaginator({} as PaginatorConfig)).toBeUndefined();
  });

  it('refuses "offset" alone, which needs a limit', () => {
    expect(() => createPaginator('offset')).toThrow(ConfigError);
    expect(() => createPaginator('offset')).toThrow(/limit/);
  });

  it('refuses an unknown name', () => {
    expect(() => createPaginator('bogus' as PaginatorConfig)).toThrow(/unknown paginator "bogus"/);
  });

  it('refuses a range paginator that cannot stop', () => {
    expect(() =>
      createPaginator({ type: 'page_number', total_path: null, stop_after_empty_page: false }),
    ).toThrow(ConfigError);
  });
});

describe('paginator config validation', () => {
  const valid = (value: unknown) => paginatorConfigSchema.safeParse(value).success;

  it("rejects a dict without type, as dlt's validation does", () => {
    expect(valid({})).toBe(false);
    expect(valid({ next_url_path: 'x' })).toBe(false);
  });

  it('accepts auto with the keys of one paginator, which dlt accepts and ignores, but not a mix', () => {
    expect(valid({ type: 'auto', next_url_path: 'x' })).toBe(true);
    expect(valid({ type: 'auto', offset: 3 })).toBe(true);
    expect(valid({ type: 'auto', limit: 10, next_url_path: 'x' })).toBe(false);
    expect(valid({ type: 'auto', bogus: 1 })).toBe(false);
  });

  it('accepts initial_cursor for cursor and header_cursor only', () => {
    expect(valid({ type: 'cursor', initial_cursor: '' })).toBe(true);
    expect(valid({ type: 'header_cursor', initial_cursor: 0 })).toBe(true);
    expect(valid({ type: 'json_link', initial_cursor: 'x' })).toBe(false);
  });

  it('rejects keys of another paginator type', () => {
    expect(valid({ type: 'json_link', limit: 10 })).toBe(false);
  });
});
