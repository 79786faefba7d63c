import { describe, expect, it } from 'vitest';
import { ConfigError, TributaryError } from '../errors/tributary-error.js';
import { exitCodeFor, RunCounters } from './run-report.js';

const url = 'http://api/items?offset=100&api_key=***';

describe('run counters', () => {
  it('adds up requests, answers, bytes and the time split of each resource', () => {
    const counters = new RunCounters();
    const request = { type: 'request', resource: 'items', method: 'GET', url, attempt: 1 } as const;
    counters.observe({ ...request, throttleMs: 30 });
    counters.observe({ ...request, type: 'response', status: 503, bytes: 20, durationMs: 12.34 });
    counters.observe({ ...request, type: 'retry', reason: '503', waitMs: 200 });
    counters.observe({ ...request, attempt: 2 });
    counters.observe({
      ...request,
      type: 'response',
      attempt: 2,
      status: undefined,
      error: 'HTTP_NETWORK',
      bytes: 0,
      durationMs: 5,
    });
    counters.observe({ ...request, attempt: 3 });
    counters.observe({ ...request, type: 'response', attempt: 3, status: 200, bytes: 1000, durationMs: 40 });
    counters.observe({
      type: 'page',
      resource: 'items',
      page: 1,
      records: 50,
      totalRecords: 50,
      normalizeMs: 7.5,
    });
    counters.observe({
      type: 'resource_finished',
      resource: 'items',
      pages: 1,
      records: 50,
      stopReason: 'empty page',
    });
    expect(counters.resources.get('items')).toEqual({
      name: 'items',
      pages: 1,
      records: 50,
      requests: 3,
      retries: 1,
      bytes: 1020,
      responses: { '503': 1, HTTP_NETWORK: 1, '200': 1 },
      stopReason: 'empty page',
      timings: { requestMs: 57.3, backoffMs: 200, throttleMs: 30, rateLimitMs: 230, normalizeMs: 7.5 },
      errors: [],
    });
    expect([counters.requests, counters.retries, counters.bytes]).toEqual([3, 1, 1020]);
  });

  it('puts a failed request’s error under the resource whose request got that answer', () => {
    const counters = new RunCounters();
    counters.observe({
      type: 'response',
      resource: 'items',
      method: 'GET',
      url,
      attempt: 1,
      status: 401,
      bytes: 9,
      durationMs: 1,
    });
    const error = new TributaryError('HTTP_STATUS', `GET ${url} failed: 401`, {
      context: { url, status: 401 },
    });
    const reported = counters.fail(error);
    expect(reported).toEqual({
      code: 'HTTP_STATUS',
      message: `GET ${url} failed: 401`,
      retryable: false,
      url,
      status: 401,
      resource: 'items',
    });
    expect(counters.resources.get('items')?.errors).toEqual([reported]);
  });

  it('reports an error that names no resource at the run only', () => {
    const counters = new RunCounters();
    expect(counters.fail(new Error('boom'))).toEqual({
      code: 'UNEXPECTED',
      message: 'boom',
      retryable: false,
    });
    expect(counters.resources.size).toBe(0);
  });
});

describe('exit code of a run', () => {
  it('is 0 without an error, 2 for config and secret errors, else 1', () => {
    expect(exitCodeFor(undefined)).toBe(0);
    expect(exitCodeFor(new ConfigError('bad'))).toBe(2);
    expect(exitCodeFor(new TributaryError('SECRET_MISSING', 'no key'))).toBe(2);
    expect(exitCodeFor(new TributaryError('HTTP_STATUS', '500'))).toBe(1);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });
});
