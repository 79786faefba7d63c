import type { Scenario } from '../scenario.js';
import { intParam, json, pages, records, router } from './api-kit.js';
import { pagesFromOne } from './documented-rows.js';

/** Scenarios without a paginator or a data selector: both tools guess them from the first response. */
const ROWS = records(14, (i) => ({ tag: i % 3 === 0 ? 'x' : 'y' }));

const plain = (origin: string, path: string) => ({
  client: { base_url: origin },
  resources: [{ name: 'rows', endpoint: { path } }],
});

const linkHeader: Scenario = {
  name: 'detect-link-header',
  covers: 'paginator detection: a `Link` header with `rel="next"` → `header_link`; a bare list body',
  config: (origin) => plain(origin, 'rows'),
  api: () =>
    router({
      'GET /rows': (request) => {
        const page = intParam(request, 'page', 1);
        const headers: Record<string, string> =
          page < 3 ? { link: `<${request.origin}/rows?page=${page + 1}>; rel="next"` } : {};
        return json(pages(ROWS, 5)[page - 1] ?? [], headers);
      },
    }),
};

const nextUrl: Scenario = {
  name: 'detect-next-url',
  covers: 'paginator detection: a `next` key holding a URL → `json_link`; selector detection `items`',
  config: (origin) => plain(origin, 'rows'),
  api: () =>
    router({
      'GET /rows': (request) => {
        const page = intParam(request, 'page', 1);
        const next = page < 3 ? `${request.origin}/rows?page=${page + 1}` : null;
        return json({ count: ROWS.length, next, previous: null, items: pages(ROWS, 5)[page - 1] ?? [] });
      },
    }),
};

const totalPages: Scenario = {
  name: 'detect-total-pages',
  documented: pagesFromOne,
  covers:
    'paginator detection: a `total_pages` key → `page_number`, on an API whose pages count from 1; selector detection `data`',
  config: (origin) => plain(origin, 'rows'),
  api: () =>
    router({
      'GET /rows': (request) => {
        const page = intParam(request, 'page', 1);
        return json({ page, total_pages: 3, data: pages(ROWS, 5)[page - 1] ?? [] });
      },
    }),
};

const totalPagesZeroBased: Scenario = {
  name: 'detect-total-pages-zero-based',
  covers:
    'paginator detection: `total_pages` on an API whose pages count from 0 (what the detected `page_number` assumes)',
  config: (origin) => plain(origin, 'rows'),
  api: () =>
    router({
      'GET /rows': (request) => {
        const page = intParam(request, 'page', 0);
        return json({ page, total_pages: 3, data: pages(ROWS, 5)[page] ?? [] });
      },
    }),
};

const nextCursor: Scenario = {
  name: 'detect-next-cursor',
  covers: 'paginator detection: a `next_cursor` key holding a token → `cursor`; selector detection `results`',
  config: (origin) => plain(origin, 'rows'),
  api: () =>
    router({
      'GET /rows': (request) => {
        const tokens = ['', 'Y3Vyc29yOjU=', 'Y3Vyc29yOjEw'];
        const at = tokens.indexOf(request.query.get('cursor') ?? '');
        return json({ results: pages(ROWS, 5)[at] ?? [], next_cursor: tokens[at + 1] ?? null });
      },
    }),
};

const nothing: Scenario = {
  name: 'detect-single-page',
  covers:
    'paginator detection finds nothing → single page; selector detection two levels deep (`response.records`)',
  config: (origin) => plain(origin, 'rows'),
  api: () =>
    router({
      'GET /rows': () => json({ status: 'ok', response: { version: 3, records: ROWS.slice(0, 6) } }),
    }),
};

export const detectionScenarios: Scenario[] = [
  linkHeader,
  nextUrl,
  totalPages,
  totalPagesZeroBased,
  nextCursor,
  nothing,
];
