import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../support/recording-server.js';
import { useRestApiHarness } from './rest-api-harness.js';

/** Reference §7 templating and request encoding, §5 parent data in requests (§9 scenario 8). */
describe('request building', () => {
  const h = useRestApiHarness();
  const ISSUE = { id: 12345, title: 'Fix it', milestone: null, author: { id: 7 } };

  /** A parent `issues` with one record and a child endpoint answering any method on `/child`. */
  const withIssue = async () =>
    h.serve({
      'GET /issues': () => ({ body: [ISSUE] }),
      'GET /child': () => ({ body: [{ id: 1 }] }),
      'POST /child': () => ({ body: [{ id: 1 }] }),
    });
  const runChild = (url: string, endpoint: Record<string, unknown>, client: Record<string, unknown> = {}) =>
    h.run({
      client: { base_url: url, ...client },
      resources: ['issues', { name: 'child', endpoint: { path: 'child', ...endpoint } }],
    });
  const childRequest = (requests: RecordedRequest[]) =>
    requests.find((r) => r.path === '/child') as RecordedRequest;

  it('keeps the type of a whole-placeholder JSON value and formats embedded ones as text', async () => {
    const api = await withIssue();
    await runChild(api.url, {
      method: 'POST',
      json: {
        issue: '{resources.issues.id}',
        label: 'issue-{resources.issues.id}',
        milestone: '{resources.issues.milestone}',
        author: '{resources.issues.author.id}',
        ids: ['{resources.issues.id}'],
        literal: '{{not a placeholder}}',
        count: 3,
      },
    });
    const request = childRequest(api.requests);
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      issue: 12345,
      label: 'issue-12345',
      milestone: null,
      author: 7,
      ids: [12345],
      literal: '{not a placeholder}',
      count: 3,
    });
  });

  it('sends an empty JSON object as a body', async () => {
    const api = await withIssue();
    await runChild(api.url, { method: 'POST', json: {} });
    expect(childRequest(api.requests).body).toBe('{}');
  });

  it('form-encodes a data dict like requests: None dropped, lists repeated, booleans True/False', async () => {
    const api = await withIssue();
    await runChild(api.url, {
      method: 'POST',
      data: { q: 'a b', issue: '{resources.issues.id}', flag: true, skip: null, ids: [1, 2] },
    });
    const request = childRequest(api.requests);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe('q=a+b&issue=12345&flag=True&ids=1&ids=2');
  });

  it('sends a string data body as is, after templating', async () => {
    const api = await withIssue();
    await runChild(api.url, { method: 'POST', data: 'raw={resources.issues.id};{{x}}' });
    expect(childRequest(api.requests).body).toBe('raw=12345;{x}');
  });

  it('templates endpoint headers from the parent, overriding client headers by key, and never templates client headers', async () => {
    const api = await withIssue();
    await runChild(
      api.url,
      { headers: { 'X-Issue': '{resources.issues.id}', 'X-Mode': 'endpoint' } },
      { headers: { 'X-Mode': 'client', 'X-Static': '{raw}' } },
    );
    const request = childRequest(api.requests);
    expect(request.headers['x-issue']).toBe('12345');
    expect(request.headers['x-mode']).toBe('endpoint');
    expect(request.headers['x-static']).toBe('{raw}');
    expect(api.requests[0]?.headers['x-mode']).toBe('client');
  });

  it('templates param keys and values from the parent, including nested fields', async () => {
    const api = await withIssue();
    await runChild(api.url, {
      params: {
        orig_id: '{resources.issues.id}',
        'by[{resources.issues.author.id}]': 'x',
        title: '{resources.issues.title}',
      },
    });
    expect(childRequest(api.requests).query).toBe('orig_id=12345&by%5B7%5D=x&title=Fix+it');
  });

  it('encodes params like requests: lists repeated, booleans True/False, None dropped, after a query in the path', async () => {
    const api = await h.serve({ 'GET /items': () => ({ body: [{ id: 1 }] }) });
    await h.run({
      client: { base_url: api.url },
      resources: [
        {
          name: 'items',
          endpoint: {
            path: 'items?fixed=1',
            params: { ids: [1, 2], flag: true, off: false, skip: null, q: 'a b&c', n: 1.5 },
          },
        },
      ],
    });
    expect(api.calls()).toEqual(['GET /items?fixed=1&ids=1&ids=2&flag=True&off=False&q=a+b%26c&n=1.5']);
  });

  it('turns doubled braces into literal braces in params', async () => {
    const api = await h.serve({ 'GET /items': () => ({ body: [{ id: 1 }] }) });
    await h.run({
      client: { base_url: api.url },
      resources: [{ name: 'items', endpoint: { params: { filter: '{{"status":"open"}}' } } }],
    });
    expect(new URLSearchParams(api.requests[0]?.query).get('filter')).toBe('{"status":"open"}');
  });

  it('refuses a single brace in a param before any request, suggesting {{ and }}', async () => {
    const api = await h.serve({ 'GET /items': () => ({ body: [] }) });
    const error = await h.failure({
      client: { base_url: api.url },
      resources: [{ name: 'items', endpoint: { params: { filter: '{"status":"open"}' } } }],
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('{{');
    expect(api.requests).toHaveLength(0);
  });

  it('applies a Python format spec in a placeholder', async () => {
    const api = await withIssue();
    await runChild(api.url, { params: { padded: '{resources.issues.id:08d}' } });
    expect(childRequest(api.requests).query).toBe('padded=00012345');
  });
});
