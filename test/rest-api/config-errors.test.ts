import { describe, expect, it } from 'vitest';
import { useRestApiHarness } from './rest-api-harness.js';

/**
 * Reference §1–§3, §5: configs dlt refuses with ValueError / CycleError are refused before any
 * request, with a config error naming the problem.
 */
const CASES: Array<{
  name: string;
  resources: unknown[];
  client?: Record<string, unknown>;
  mentions: string;
}> = [
  {
    name: 'json and data on one endpoint',
    resources: [{ name: 'items', endpoint: { method: 'POST', json: { a: 1 }, data: { b: 2 } } }],
    mentions: 'data',
  },
  {
    name: 'a path placeholder without a param',
    resources: [{ name: 'items', endpoint: { path: 'items/{item_id}' } }],
    mentions: 'item_id',
  },
  {
    name: 'a dotted path placeholder that is not resources. or incremental.',
    resources: [{ name: 'items', endpoint: { path: 'items/{foo.bar}' } }],
    mentions: 'foo.bar',
  },
  {
    name: 'an incremental param used in the path',
    resources: [
      {
        name: 'items',
        endpoint: { path: 'items/{since}', params: { since: { type: 'incremental', cursor_path: 'ts' } } },
      },
    ],
    mentions: 'since',
  },
  {
    name: 'a resolve param not used in the path',
    resources: [
      'issues',
      {
        name: 'comments',
        endpoint: { params: { id: { type: 'resolve', resource: 'issues', field: 'id' } } },
      },
    ],
    mentions: 'id',
  },
  {
    name: 'two parents for one resource',
    resources: ['a', 'b', { name: 'c', endpoint: 'x/{resources.a.id}/{resources.b.id}' }],
    mentions: 'one parent',
  },
  {
    name: 'an unknown parent',
    resources: [{ name: 'c', endpoint: 'x/{resources.nope.id}' }],
    mentions: 'nope',
  },
  {
    name: 'a cycle of parents',
    resources: [
      { name: 'a', endpoint: 'a/{resources.b.id}' },
      { name: 'b', endpoint: 'b/{resources.a.id}' },
    ],
    mentions: 'cycle',
  },
  {
    name: 'paginator "offset" without limit',
    resources: [{ name: 'items', endpoint: { paginator: 'offset' } }],
    mentions: 'limit',
  },
  {
    name: 'an unknown paginator name',
    resources: [{ name: 'items', endpoint: { paginator: 'sideways' } }],
    mentions: 'paginator',
  },
  {
    name: 'an unknown auth type',
    client: { auth: { type: 'telepathy', token: 'FAKE-TOKEN-0000' } },
    resources: ['items'],
    mentions: 'auth',
  },
  {
    name: 'an {incremental.…} placeholder without incremental',
    resources: [{ name: 'items', endpoint: { params: { since: '{incremental.start_value}' } } }],
    mentions: 'incremental.start_value',
  },
  {
    name: 'a param dict of an unknown type',
    resources: [{ name: 'items', endpoint: { params: { filter: { type: 'magic' } } } }],
    mentions: 'filter',
  },
  {
    name: 'a method other than GET and POST',
    resources: [{ name: 'items', endpoint: { method: 'DELETE' } }],
    mentions: 'method',
  },
];

describe('config refused before any request', () => {
  const h = useRestApiHarness();

  it.each(CASES)('refuses $name', async ({ resources, client, mentions }) => {
    const api = await h.serve({});
    const error = await h.failure({ client: { base_url: api.url, ...client }, resources });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(mentions);
    expect(api.requests).toHaveLength(0);
    expect(await h.loadCount()).toBe(0);
  });
});
