import type { Scenario } from '../scenario.js';
import { intParam, json, router } from './api-kit.js';
import { integerKeysFirst, widenedToDouble } from './documented-rows.js';

/** One resource at `path` whose pages come from `pageBodies` (`?page=1`, `2`, …; a `Link` to the next). */
function pagedApi(path: string, pageBodies: string[]) {
  return () =>
    router({
      [`GET /${path}`]: (request) => {
        const page = intParam(request, 'page', 1);
        const headers: Record<string, string> =
          page < pageBodies.length
            ? { link: `<${request.origin}/${path}?page=${page + 1}>; rel="next"` }
            : {};
        return json(pageBodies[page - 1] ?? '[]', headers);
      },
    });
}

const onePath = (origin: string, name: string, extra: Record<string, unknown> = {}) => ({
  client: { base_url: origin, paginator: 'header_link' },
  resources: [{ name, endpoint: { path: name }, ...extra }],
});

const NESTED = [
  {
    id: 1,
    title: 'first',
    owner: { name: 'Ann', address: { city: 'Oslo', geo: { lat: 59.91, lon: 10.75 } } },
    tags: ['a', 'b', 'c'],
    scores: [1.5, 2.5],
    matrix: [
      [1, 2],
      [3, 4],
    ],
    lines: [
      { sku: 'x-1', qty: 2, options: ['red', 'xl'], discount: { code: 'TEN', pct: 10 } },
      { sku: 'x-2', qty: 1, options: [], discount: null },
    ],
    empty_list: [],
    empty_dict: {},
    flags: [true, false],
  },
  {
    id: 2,
    title: 'second',
    owner: null,
    tags: [],
    scores: [3.25],
    matrix: [[5]],
    lines: [{ sku: 'y-1', qty: 5, options: ['blue'] }],
    empty_list: [],
    flags: [],
    notes: [{ at: '2024-05-01T10:00:00+02:00', text: 'hello' }],
  },
];

const nested: Scenario = {
  name: 'nested-lists',
  covers:
    'lists of dicts (nested twice), lists of scalars, lists of lists, empty lists and dicts, nested dicts, null dicts',
  config: (origin) => onePath(origin, 'orders'),
  api: pagedApi('orders', [JSON.stringify(NESTED.slice(0, 1)), JSON.stringify(NESTED.slice(1))]),
};

const ODD = [
  {
    id: 1,
    'First Name': 'Zoë',
    lastName: 'Ødegård',
    'e-mail': 'zoe@example.com',
    '@type': 'person',
    $ref: '#/people/1',
    ключ: 'значение',
    größe: 180,
    'emoji 🎉': '🎉🎈',
    'a.b': 'dotted',
    __private: 'x',
    trailing_: 't',
    UPPER_CASE: 'U',
    'x  y': 'two spaces',
    '100%': 'full',
    ' padded ': 'p',
    CamelCaseHTTPServer: 'c',
    text: 'línea 1\nlínea 2\t"quoted" \\ back',
    'Sub Items': [{ 'Item Name': 'ä', 'Unit-Price': 1.25 }],
  },
  {
    id: 2,
    'First Name': '李',
    lastName: null,
    'e-mail': null,
    '@type': 'bot',
    'emoji 🎉': '',
    'Sub Items': [],
  },
];

const unicode: Scenario = {
  name: 'unicode-and-odd-keys',
  covers:
    'unicode values and keys, spaces, dashes, `@`/`$`, dots, double underscores, camelCase, a table name with spaces',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'People Directory',
        table_name: 'People Directory v2',
        endpoint: { path: 'people', paginator: 'single_page' },
      },
    ],
  }),
  api: () => router({ 'GET /people': () => json(JSON.stringify(ODD)) }),
};

const collision: Scenario = {
  name: 'key-collision',
  covers: 'two keys that normalize to one column (`userId`, `user_id`)',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [{ name: 'users', endpoint: { path: 'users', paginator: 'single_page' } }],
  }),
  api: () =>
    router({ 'GET /users': () => json('[{"id": 1, "userId": 7, "user_id": 8}, {"id": 2, "user_id": 9}]') }),
  documented: [
    {
      row: 'Two keys normalizing to one name (`userId`, `user_id`)',
      kind: 'outcome',
      pattern: /NAME_COLLISION/,
    },
    // Tributary's run fails, so it has no tables at all.
    { row: 'Two keys normalizing to one name (`userId`, `user_id`)', kind: 'tables', pattern: /\n\(none\)$/ },
  ],
};

const integerKeys: Scenario = {
  name: 'integer-like-keys',
  covers: 'integer-like keys (`"2024"`, `"7"`) between other keys',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [{ name: 'years', endpoint: { path: 'years', paginator: 'single_page' } }],
  }),
  api: () =>
    router({
      'GET /years': () =>
        json(
          '[{"id": 1, "name": "a", "2024": 10, "7": "seven", "total": 17}, {"id": 2, "name": "b", "2024": 11, "7": null, "total": 11}]',
        ),
    }),
  documented: [integerKeysFirst('years', ['_7', '_2024'])],
};

const flips: Scenario = {
  name: 'type-flips-between-pages',
  covers:
    "a column's type changes on page 2: int→text, bool→int, text→int, null→text, timestamp→text, dict→text, double→int, int→double",
  config: (origin) => onePath(origin, 'readings'),
  api: pagedApi('readings', [
    '[{"id": 1, "a": 1, "b": true, "c": "x", "d": null, "e": 1.5, "f": "2024-01-02T03:04:05Z", "g": {"x": 1}, "h": 10},' +
      ' {"id": 2, "a": 2, "b": false, "c": "y", "d": null, "e": 2.5, "f": "2024-01-03T00:00:00Z", "g": {"x": 2}, "h": 11}]',
    '[{"id": 3, "a": "three", "b": 1, "c": 3, "d": "now set", "e": 3, "f": "not a date", "g": "flat", "h": 12.5},' +
      ' {"id": 4, "a": 4, "b": true, "c": "z", "d": 4, "e": 4.0, "f": "2024-01-04T00:00:00Z", "g": {"x": 4}, "h": 13}]',
  ]),
  documented: [widenedToDouble('readings', 'h')],
};

const DEEP = [
  {
    id: 1,
    level1: { level2: { level3: { level4: 'deep' } } },
    children: [{ name: 'c1', grandchildren: [{ name: 'g1', great: [{ name: 'x' }] }] }],
  },
];

const nesting: Scenario = {
  name: 'max-table-nesting',
  covers:
    '`max_table_nesting` 0 and 1 on resources, 2 for the source (`rest_api_source(max_table_nesting=2)` / `source` block)',
  source: { max_table_nesting: 2 },
  config: (origin) => ({
    client: { base_url: origin, paginator: 'single_page' },
    resources: [
      { name: 'nest_zero', endpoint: { path: 'deep' }, max_table_nesting: 0 },
      { name: 'nest_one', endpoint: { path: 'deep' }, max_table_nesting: 1 },
      { name: 'nest_source', endpoint: { path: 'deep' } },
    ],
  }),
  api: () => router({ 'GET /deep': () => json(JSON.stringify(DEEP)) }),
};

const selectorPath: Scenario = {
  name: 'data-selector-paths',
  covers:
    '`data_selector` as a dotted path (`result.items`) and as JSONPath with a wildcard (`$.groups[*].members`)',
  config: (origin) => ({
    client: { base_url: origin, paginator: 'single_page' },
    resources: [
      { name: 'items', endpoint: { path: 'items', data_selector: 'result.items' } },
      { name: 'members', endpoint: { path: 'groups', data_selector: '$.groups[*].members' } },
    ],
  }),
  api: () =>
    router({
      'GET /items': () => json({ result: { count: 2, items: [{ id: 1 }, { id: 2, extra: 'e' }] } }),
      'GET /groups': () =>
        json({
          groups: [
            {
              name: 'g1',
              members: [
                { id: 10, role: 'admin' },
                { id: 11, role: 'user' },
              ],
            },
            { name: 'g2', members: [{ id: 12, role: 'user' }] },
          ],
        }),
    }),
};

const valueTypes: Scenario = {
  name: 'value-types',
  covers:
    'type inference: integers beyond 2^53, `1.0` and `1e3`, ISO timestamps with offsets and fractions, dates, booleans, null-only columns',
  config: (origin) => onePath(origin, 'values'),
  api: pagedApi('values', [
    '[{"id": 1, "big": 9007199254740993, "one_float": 1.0, "exp": 1e3, "neg": -0.0, "ts": "2024-03-05T10:20:30+02:00",' +
      ' "ts_frac": "2024-03-05T10:20:30.123456Z", "ts_space": "2024-03-05 10:20:30", "day": "2024-03-05", "yes": true,' +
      ' "nothing": null, "small": 0.1, "text_num": "0042"}]',
    '[{"id": 2, "big": -9007199254740993, "one_float": 2, "exp": 2.5e-3, "neg": 0, "ts": "2024-12-31T23:59:59-05:00",' +
      ' "ts_frac": "2024-03-05T10:20:30.5Z", "ts_space": "2024-03-06 00:00:00", "day": "2024-13-45", "yes": false,' +
      ' "nothing": null, "small": 1e-7, "text_num": "7"}]',
  ]),
};

const hints: Scenario = {
  name: 'column-hints',
  covers:
    '`columns` hints: decimal with precision/scale, date, timestamp, bool, json, text NOT NULL, bigint on a string, a hinted column never in the data',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      {
        name: 'ledger',
        endpoint: { path: 'ledger', paginator: 'single_page' },
        columns: {
          amount: { data_type: 'decimal', precision: 12, scale: 2 },
          booked_on: { data_type: 'date' },
          booked_at: { data_type: 'timestamp' },
          settled: { data_type: 'bool' },
          payload: { data_type: 'json' },
          memo: { data_type: 'text', nullable: false },
          account: { data_type: 'bigint' },
          never_sent: { data_type: 'text' },
        },
      },
    ],
  }),
  api: () =>
    router({
      'GET /ledger': () =>
        json(
          '[{"id": 1, "amount": 10.25, "booked_on": "2024-02-29", "booked_at": "2024-02-29T12:00:00Z", "settled": true,' +
            ' "payload": {"a": [1, 2], "b": null}, "memo": "rent", "account": "12345"},' +
            ' {"id": 2, "amount": "99999.99", "booked_on": "2024-03-01", "booked_at": "2024-03-01T00:00:00+01:00",' +
            ' "settled": false, "payload": [1, "x"], "memo": "", "account": 7}]',
        ),
    }),
};

export const dataShapeScenarios: Scenario[] = [
  nested,
  unicode,
  collision,
  integerKeys,
  flips,
  nesting,
  selectorPath,
  valueTypes,
  hints,
];
