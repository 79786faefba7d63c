import type { Scenario } from '../scenario.js';
import { intParam, json, notFound, router } from './api-kit.js';
import { childOrder } from './documented-rows.js';

/** A small issue tracker: issues (two pages), their comments and labels, and one issue each. */
const ISSUES = Array.from({ length: 7 }, (_, i) => ({
  id: 1000 + i,
  number: i + 1,
  title: `Issue ${i + 1}`,
  state: i % 3 === 0 ? 'closed' : 'open',
  author: { login: `user${i % 2}`, id: 50 + (i % 2) },
}));

const comments = (number: number) =>
  Array.from({ length: number % 3 }, (_, j) => ({
    id: number * 100 + j,
    body: `comment ${j} on #${number}`,
    reactions: { up: j, down: 0 },
  }));

function tracker() {
  return router({
    'GET /issues': (request) => {
      const page = intParam(request, 'page', 1);
      const next = page === 1 ? `${request.origin}/issues?page=2` : null;
      return json({ items: page === 1 ? ISSUES.slice(0, 4) : ISSUES.slice(4), next });
    },
    'GET /issues/:number/comments': (_request, _run, { number }) => json(comments(Number(number))),
    'GET /issues/:number/labels': (_request, _run, { number }) =>
      json({ labels: [{ name: `area-${Number(number) % 2}`, color: 'ff0000' }] }),
    'GET /issues/:id': (request, _run, { id }) => {
      const issue = ISSUES.find((i) => String(i.id) === id);
      return issue ? json({ ...issue, body: `Body of ${issue.title}`, locked: false }) : notFound(request);
    },
  });
}

const issuesResource = {
  name: 'issues',
  endpoint: {
    path: 'issues',
    data_selector: 'items',
    paginator: { type: 'json_link', next_url_path: 'next' },
  },
};

const includeFromParent: Scenario = {
  name: 'parent-child-include-from-parent',
  documented: [childOrder],
  covers:
    'child path `{resources.issues.number}`, a parent field in a header, `include_from_parent`, children with 0–2 rows',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      issuesResource,
      {
        name: 'issue_comments',
        endpoint: {
          path: 'issues/{resources.issues.number}/comments',
          headers: { 'X-Issue-Id': '{resources.issues.id}' },
          paginator: 'single_page',
        },
        include_from_parent: ['id', 'title'],
      },
    ],
  }),
  authHeaders: ['x-issue-id'],
  api: tracker,
};

const resolveParam: Scenario = {
  name: 'parent-child-resolve-param',
  documented: [childOrder],
  covers: 'legacy `{type: resolve}` path param with a dotted parent field; child `data_selector`',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      issuesResource,
      {
        name: 'issue_labels',
        endpoint: {
          path: 'issues/{issue_number}/labels',
          params: { issue_number: { type: 'resolve', resource: 'issues', field: 'number' }, per_page: 50 },
          data_selector: 'labels',
          paginator: 'single_page',
        },
      },
    ],
  }),
  api: tracker,
};

const postJson: Scenario = {
  name: 'parent-child-post-json',
  documented: [childOrder],
  covers:
    'child POST whose `json` body holds parent placeholders: a whole placeholder keeps its type, an embedded one is text',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      issuesResource,
      {
        name: 'issue_events',
        endpoint: {
          path: 'events/search',
          method: 'POST',
          json: {
            issue_id: '{resources.issues.id}',
            label: 'issue #{resources.issues.number}: {resources.issues.title}',
            limit: 2,
          },
          paginator: 'single_page',
        },
      },
    ],
  }),
  api: () => {
    const base = tracker();
    return (request, run) => {
      if (request.method !== 'POST' || request.path !== '/events/search') return base(request, run);
      const body = JSON.parse(request.body || '{}') as { issue_id?: unknown; label?: unknown };
      return json([
        { event: 'opened', issue_id: body.issue_id, label: body.label, id_type: typeof body.issue_id },
      ]);
    };
  },
};

const singleEntity: Scenario = {
  name: 'single-entity-path',
  documented: [childOrder],
  covers:
    'single-entity child `issues/{resources.issues.id}`: selector `$`, `single_page` over a client paginator',
  config: (origin) => ({
    client: { base_url: origin, paginator: { type: 'json_link', next_url_path: 'next' } },
    resources: [
      { name: 'issues', endpoint: { path: 'issues', data_selector: 'items' } },
      {
        name: 'issue_details',
        endpoint: { path: 'issues/{resources.issues.id}' },
        primary_key: 'id',
        write_disposition: 'merge',
      },
    ],
  }),
  api: tracker,
};

const ignore: Scenario = {
  name: 'response-actions-ignore',
  documented: [childOrder],
  covers:
    '`response_actions` `ignore` by status (404) and by content; a child skips only the ignored parent records',
  config: (origin) => ({
    client: { base_url: origin },
    resources: [
      issuesResource,
      {
        name: 'issue_comments',
        endpoint: {
          path: 'issues/{resources.issues.number}/comments',
          paginator: 'single_page',
          response_actions: [
            { status_code: 404, action: 'ignore' },
            { content: 'comments are disabled', action: 'ignore' },
          ],
        },
        include_from_parent: ['number'],
      },
    ],
  }),
  api: () => {
    const base = tracker();
    return (request, run) => {
      const match = /^\/issues\/(\d+)\/comments$/.exec(request.path);
      if (match && Number(match[1]) === 2) return { status: 404, body: { error: 'gone' } };
      if (match && Number(match[1]) === 5) return json({ message: 'comments are disabled for this issue' });
      return base(request, run);
    };
  },
};

const failing: Scenario = {
  name: 'http-error-mid-pagination',
  covers: 'a 403 on page 2 of the parent: the run fails in both and no data table is loaded',
  dltFails: [0],
  config: (origin) => ({ client: { base_url: origin }, resources: [issuesResource] }),
  api: () => {
    const base = tracker();
    return (request, run) =>
      request.query.get('page') === '2' ? { status: 403, body: { error: 'forbidden' } } : base(request, run);
  },
};

export const resourceScenarios: Scenario[] = [
  includeFromParent,
  resolveParam,
  postJson,
  singleEntity,
  ignore,
  failing,
];
