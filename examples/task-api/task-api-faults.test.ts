import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTaskApi, type TaskApi } from './task-api-server.js';
import { createTestClient } from './task-api-test-client.js';

let api: TaskApi;
const client = createTestClient();
const { get, outcomes } = client;

beforeAll(async () => {
  api = await startTaskApi();
});

beforeEach(() => {
  api.configure({ count: 250, seed: 1, revision: 0, faults: null, bodyMode: 'json', latencyMs: 0 });
  api.resetStats();
});

afterAll(async () => {
  await api.close();
  await client.close();
});

describe('task API failure modes', () => {
  it('fails about the configured share of requests, the same ones again for the same seed', async () => {
    api.configure({ faults: { rate: 0.3, seed: 42 } });
    const first = await outcomes(api, 200);
    const failures = first.filter((outcome) => outcome !== 200).length;
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(80);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 502, 503, 504, 'drop']));
    api.configure({ faults: { rate: 0.3, seed: 42 } });
    expect(await outcomes(api, 200)).toEqual(first);
    api.configure({ faults: null });
    expect(new Set(await outcomes(api, 20))).toEqual(new Set([200]));
  }, 20_000);

  it('answers a wrong key with 401 even when every request is set to fail', async () => {
    api.configure({ faults: { rate: 1, kinds: ['503', 'drop'] } });
    for (let i = 0; i < 10; i++) expect((await get(api, '/v1/tasks', 'wrong')).status).toBe(401);
  });

  it('closes the connection without a response when dropping', async () => {
    api.configure({ faults: { rate: 1, kinds: ['drop'] } });
    await expect(get(api, '/v1/tasks')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(api.stats.dropped).toBe(1);
    expect(api.stats.log[0]?.status).toBe('drop');
  });

  it('sends Retry-After with a 429 in seconds, as an HTTP date about a second ahead, or not at all', async () => {
    api.configure({ faults: { rate: 1, kinds: ['429'], retryAfter: 3 } });
    const seconds = await get(api, '/v1/tasks');
    expect(seconds.status).toBe(429);
    expect(seconds.headers['retry-after']).toBe('3');
    expect(JSON.parse(seconds.text).error).toBe('rate_limited');

    api.configure({ faults: { rate: 1, kinds: ['429'], retryAfter: 'http-date' } });
    const date = String((await get(api, '/v1/tasks')).headers['retry-after']);
    expect(date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const ahead = Date.parse(date) - Date.now();
    expect(ahead).toBeGreaterThan(500);
    expect(ahead).toBeLessThanOrEqual(2_000);

    api.configure({ faults: { rate: 1, kinds: ['429'], retryAfter: 'none' } });
    expect((await get(api, '/v1/tasks')).headers['retry-after']).toBeUndefined();
  });

  it('answers 5xx faults with a JSON error body', async () => {
    for (const kind of ['500', '502', '503', '504'] as const) {
      api.configure({ faults: { rate: 1, kinds: [kind] } });
      const answer = await get(api, '/v1/tasks');
      expect(answer.status).toBe(Number(kind));
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(typeof JSON.parse(answer.text).error).toBe('string');
    }
  });

  it('answers 200 with an HTML page, a cut-off JSON body or an empty body in those body modes', async () => {
    const full = await get(api, '/v1/tasks?limit=10');

    api.configure({ bodyMode: 'html' });
    const html = await get(api, '/v1/tasks?limit=10');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text.startsWith('<!DOCTYPE html>')).toBe(true);

    api.configure({ bodyMode: 'truncated' });
    const cut = await get(api, '/v1/tasks?limit=10');
    expect(cut.status).toBe(200);
    expect(cut.bytes.length).toBe(Math.floor(full.bytes.length / 2));
    expect(full.bytes.subarray(0, cut.bytes.length).equals(cut.bytes)).toBe(true);
    expect(() => JSON.parse(cut.text)).toThrow(SyntaxError);

    api.configure({ bodyMode: 'empty' });
    const empty = await get(api, '/v1/tasks/1');
    expect(empty.status).toBe(200);
    expect(empty.bytes.length).toBe(0);
  });

  it('waits the configured latency before answering', async () => {
    api.configure({ latencyMs: 150 });
    const started = performance.now();
    expect((await get(api, '/v1/tasks?limit=1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});
