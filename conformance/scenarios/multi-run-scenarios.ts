import { generateTasks, serializeJson } from '../../examples/task-api/task-generator.js';
import type { Scenario } from '../scenario.js';
import { intParam, json, router } from './api-kit.js';

/** Scenarios that run each tool twice against an API whose data changes between the runs. */

const hour = (h: number) =>
  new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString().replace('.000Z', 'Z');

/** Run 1: 12 events an hour apart. Run 2: events 3 and 5 updated, 4 new ones. */
function events(run: number) {
  const list = Array.from({ length: 12 }, (_, i) => ({
    id: i + 1,
    kind: i % 2 ? 'click' : 'view',
    updated_at: hour(i),
  }));
  if (run === 0) return list;
  for (const id of [3, 5]) {
    const event = list[id - 1]!;
    event.kind = 'edited';
    event.updated_at = hour(20 + id);
  }
  list.push(...Array.from({ length: 4 }, (_, i) => ({ id: 13 + i, kind: 'new', updated_at: hour(30 + i) })));
  return list.sort((a, b) => (a.updated_at < b.updated_at ? -1 : 1));
}

const incremental: Scenario = {
  name: 'incremental-two-runs',
  covers:
    '`incremental` on `updated_at` with `{incremental.start_value}` in params, append, over two runs (boundary record served again)',
  runs: 2,
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'events',
        endpoint: {
          path: 'events',
          params: { since: '{incremental.start_value}', per_page: 5 },
          incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01T00:00:00Z' },
          data_selector: 'data',
          paginator: { type: 'page_number', base_page: 1, total_path: 'pages' },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /events': (request, run) => {
        const since = request.query.get('since') ?? '';
        const matching = events(run).filter((e) => e.updated_at >= since);
        const page = intParam(request, 'page', 1);
        return json({
          data: matching.slice((page - 1) * 5, page * 5),
          pages: Math.max(1, Math.ceil(matching.length / 5)),
        });
      },
    }),
};

/** Run 1: versions 1..8; run 2: items 2 and 6 changed (version 9, 10), item 9 new (version 11). */
function versioned(run: number) {
  const items = Array.from({ length: 8 }, (_, i) => ({
    id: i + 1,
    label: `v1 of ${i + 1}`,
    meta: { version: i + 1, labels: ['x'] },
  }));
  if (run === 0) return items;
  items[1] = { id: 2, label: 'v2 of 2', meta: { version: 9, labels: ['x', 'y'] } };
  items[5] = { id: 6, label: 'v2 of 6', meta: { version: 10, labels: [] } };
  items.push({ id: 9, label: 'v1 of 9', meta: { version: 11, labels: ['z'] } });
  return items;
}

const legacyIncremental: Scenario = {
  name: 'incremental-param-merge',
  covers:
    'legacy `{type: incremental}` param on a nested numeric cursor (`meta.version`), merge on `id`, over two runs',
  runs: 2,
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'items',
        primary_key: 'id',
        write_disposition: 'merge',
        endpoint: {
          path: 'items',
          params: { min_version: { type: 'incremental', cursor_path: 'meta.version', initial_value: 0 } },
          paginator: 'single_page',
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /items': (request, run) => {
        const min = intParam(request, 'min_version', 0);
        return json(versioned(run).filter((item) => item.meta.version >= min));
      },
    }),
};

const merge: Scenario = {
  name: 'merge-two-runs',
  covers:
    'merge on `id` over two runs: every 7th demo task rewritten (name, status, tags, subtasks), nested tables replaced',
  runs: 2,
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'tasks',
        primary_key: 'id',
        write_disposition: 'merge',
        endpoint: { path: 'tasks', data_selector: 'data', paginator: { type: 'offset', limit: 25 } },
      },
    ],
  }),
  api: () =>
    router({
      'GET /tasks': (request, run) => {
        // 60 whole-estimate tasks (the first 150 have whole estimates), so no column widens.
        const tasks = generateTasks({ count: 60, seed: 5, revision: run });
        const offset = intParam(request, 'offset', 0);
        const limit = intParam(request, 'limit', 25);
        return json(serializeJson({ data: tasks.slice(offset, offset + limit), total: tasks.length }));
      },
    }),
};

function inventory(run: number) {
  const rows = [
    { sku: 'a', qty: 1, bins: [{ bin: 'A1', n: 1 }] },
    {
      sku: 'b',
      qty: 2,
      bins: [
        { bin: 'B1', n: 1 },
        { bin: 'B2', n: 1 },
      ],
    },
    { sku: 'c', qty: 3, bins: [] },
  ];
  if (run === 0) return rows;
  return [
    { sku: 'b', qty: 20, bins: [{ bin: 'B9', n: 20 }], warehouse: 'north' },
    { sku: 'd', qty: 4, bins: [], warehouse: 'south' },
  ];
}

const replace: Scenario = {
  name: 'replace-two-runs',
  covers: '`replace` over two runs: fewer rows, a new column, nested rows replaced',
  runs: 2,
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'inventory',
        write_disposition: 'replace',
        endpoint: { path: 'inventory', paginator: 'single_page' },
      },
    ],
  }),
  api: () => router({ 'GET /inventory': (_request, run) => json(inventory(run)) }),
};

const appendEvolution: Scenario = {
  name: 'append-two-runs-new-columns',
  covers:
    'append over two runs; run 2 brings new columns, a new nested table and a value for a column that was all null',
  runs: 2,
  config: (origin) => ({
    client: { base_url: origin },
    resources: [{ name: 'logs', endpoint: { path: 'logs', paginator: 'single_page' } }],
  }),
  api: () =>
    router({
      'GET /logs': (_request, run) =>
        json(
          run === 0
            ? [
                { id: 1, msg: 'start', detail: null },
                { id: 2, msg: 'ok', detail: null },
              ]
            : [
                { id: 3, msg: 'warn', detail: 'disk', level: 'warning', ctx: { host: 'h1', pid: 42 } },
                {
                  id: 4,
                  msg: 'trace',
                  detail: null,
                  frames: [
                    { fn: 'main', line: 10 },
                    { fn: 'run', line: 20 },
                  ],
                },
              ],
        ),
    }),
};

export const multiRunScenarios: Scenario[] = [
  incremental,
  legacyIncremental,
  merge,
  replace,
  appendEvolution,
];
