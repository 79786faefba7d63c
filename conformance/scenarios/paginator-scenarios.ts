import { generateTasks, serializeJson } from '../../examples/task-api/task-generator.js';
import type { Scenario } from '../scenario.js';
import { intParam, json, pages, records, router, unauthorized } from './api-kit.js';
import { widenedToDouble } from './documented-rows.js';

const API_KEY = 'conformance-key-1';

/** The seed config of examples/task_management.yaml, as written for dlt (no `client.retry`). */
const seed: Scenario = {
  name: 'seed-config',
  covers:
    'the seed: offset paginator with `total`, api_key in the query from a secret, merge on `id`, `data` selector, column hints; 250 demo tasks',
  env: { API_KEY },
  config: (origin) => ({
    client: {
      base_url: origin,
      auth: { type: 'api_key', name: 'api_key', api_key: '{secrets.api_key}', location: 'query' },
    },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      {
        name: 'task_management',
        endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
        columns: {
          id: { data_type: 'bigint', nullable: false },
          name: { data_type: 'text', nullable: false },
          status: { data_type: 'text', nullable: true },
          created_at: { data_type: 'timestamp', nullable: true },
        },
      },
    ],
  }),
  api: () => {
    const tasks = generateTasks({ count: 250, seed: 11 });
    return router({
      'GET /v1/tasks': (request) => {
        if (request.query.get('api_key') !== API_KEY) return unauthorized();
        const offset = intParam(request, 'offset', 0);
        const limit = intParam(request, 'limit', 100);
        const page = tasks.slice(offset, offset + limit);
        return json(serializeJson({ data: page, total: tasks.length, limit, offset }));
      },
    });
  },
  // The demo tasks' `estimate_hours` are whole numbers for the first 150 tasks, then fractions.
  documented: [widenedToDouble('task_management', 'estimate_hours')],
};

const ITEMS = records(23, (i) => ({ score: i + 0.5, active: i % 2 === 0 }));

const jsonLink: Scenario = {
  name: 'paginator-json-link',
  covers: '`json_link` with `next_url_path`, absolute next URLs, params dropped after page 1',
  config: (origin) => ({
    client: { base_url: `${origin}/api` },
    resources: [
      {
        name: 'items',
        endpoint: {
          path: 'items',
          params: { per_page: 10 },
          data_selector: 'results',
          paginator: { type: 'json_link', next_url_path: 'links.next' },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /api/items': (request) => {
        const page = intParam(request, 'page', 1);
        const chunk = pages(ITEMS, 10)[page - 1] ?? [];
        const next = page < 3 ? `${request.origin}/api/items?page=${page + 1}&per_page=10` : null;
        return json({ results: chunk, links: { next } });
      },
    }),
};

const headerLink: Scenario = {
  name: 'paginator-header-link',
  covers: '`header_link`: RFC 8288 `Link` header with `rel="next"`, relative and absolute targets',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [{ name: 'items', endpoint: { path: 'items', paginator: { type: 'header_link' } } }],
  }),
  api: () =>
    router({
      'GET /items': (request) => {
        const page = intParam(request, 'page', 1);
        const chunk = pages(ITEMS, 10)[page - 1] ?? [];
        const headers: Record<string, string> = {};
        // Page 1 links absolutely, page 2 relatively (resolved against the request URL).
        if (page === 1)
          headers.link = `<${request.origin}/items?page=2>; rel="next", <${request.origin}/items?page=3>; rel="last"`;
        if (page === 2) headers.link = '</items?page=3>; rel="next", </items?page=1>; rel="prev"';
        return json(chunk, headers);
      },
    }),
};

const cursor: Scenario = {
  name: 'paginator-cursor',
  covers: '`cursor` with `cursor_path` and `cursor_param`; `null` cursor stops',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'events',
        endpoint: {
          path: 'events',
          data_selector: 'data',
          paginator: { type: 'cursor', cursor_path: 'meta.next_cursor', cursor_param: 'after' },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /events': (request) => {
        const cursors = ['', 'c2', 'c3'];
        const at = cursors.indexOf(request.query.get('after') ?? '');
        const chunk = pages(ITEMS, 10)[at] ?? [];
        return json({ data: chunk, meta: { next_cursor: cursors[at + 1] ?? null } });
      },
    }),
};

const headerCursor: Scenario = {
  name: 'paginator-header-cursor',
  covers: '`header_cursor` with `cursor_key` and `cursor_param`; no header stops',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'events',
        endpoint: {
          path: 'events',
          paginator: { type: 'header_cursor', cursor_key: 'X-Next-Page-Token', cursor_param: 'page_token' },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /events': (request) => {
        const tokens = ['', 'tok-b', 'tok-c'];
        const at = tokens.indexOf(request.query.get('page_token') ?? '');
        const next = tokens[at + 1];
        return json(pages(ITEMS, 10)[at] ?? [], next ? { 'X-Next-Page-Token': next } : {});
      },
    }),
};

const offsetNoTotal: Scenario = {
  name: 'paginator-offset-empty-page',
  covers: '`offset` with `total_path: null`, custom param names: pages until an empty page',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'items',
        endpoint: {
          path: 'items',
          paginator: {
            type: 'offset',
            limit: 10,
            offset_param: 'skip',
            limit_param: 'take',
            total_path: null,
          },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /items': (request) => {
        const skip = intParam(request, 'skip', 0);
        return json({ items: ITEMS.slice(skip, skip + intParam(request, 'take', 10)) });
      },
    }),
};

const pageNumber: Scenario = {
  name: 'paginator-page-number',
  covers:
    '`page_number` with `base_page: 1`, `page_param`, `total_path`; params with `&`, `=`, `/`, `+`, non-ASCII, empty and boolean values',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'items',
        endpoint: {
          path: 'items',
          params: { size: 10, q: 'a&b=c/é ü+', empty: '', flag: true },
          data_selector: 'items',
          paginator: { type: 'page_number', base_page: 1, page_param: 'p', total_path: 'meta.pages' },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /items': (request) => {
        const p = intParam(request, 'p', 1);
        return json({ items: pages(ITEMS, 10)[p - 1] ?? [], meta: { pages: 3, page: p } });
      },
    }),
};

const singlePage: Scenario = {
  name: 'paginator-single-page',
  covers:
    '`single_page` on a response that also carries a next link; a path with its own `?query` plus params',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'items',
        endpoint: {
          path: 'items?fields=id,name&filter[state]=open&q=a%20b:c&sort=-id',
          params: { limit: 5 },
          paginator: 'single_page',
          data_selector: 'data',
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /items': (request) => json({ data: ITEMS.slice(0, 5), next: `${request.origin}/items?page=2` }),
    }),
};

const postBody: Scenario = {
  name: 'paginator-offset-json-body',
  covers:
    'POST with a `json` body; `offset` and `limit` written into the body (`offset_body_path`, `limit_body_path`)',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'search',
        endpoint: {
          path: 'search',
          method: 'POST',
          json: { query: { status: 'open' }, page: {} },
          data_selector: 'hits',
          paginator: {
            type: 'offset',
            limit: 10,
            offset_body_path: 'page.from',
            limit_body_path: 'page.size',
            total_path: 'total',
          },
        },
      },
    ],
  }),
  api: () =>
    router({
      'POST /search': (request) => {
        const body = JSON.parse(request.body || '{}') as { page?: { from?: number; size?: number } };
        const from = body.page?.from ?? 0;
        return json({ hits: ITEMS.slice(from, from + (body.page?.size ?? 10)), total: ITEMS.length });
      },
    }),
};

export const paginatorScenarios: Scenario[] = [
  seed,
  jsonLink,
  headerLink,
  cursor,
  headerCursor,
  offsetNoTotal,
  pageNumber,
  singlePage,
  postBody,
];
