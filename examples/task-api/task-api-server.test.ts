import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from './task-api-server.js';
import { createTestClient } from './task-api-test-client.js';
import { generateTasks } from './task-generator.js';

let api: TaskApi;
const client = createTestClient();
const { get } = client;

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

describe('task API', () => {
  it('listens on 127.0.0.1', () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
  });

  it('serves tasks page by page with the total, and an empty page past the end', async () => {
    const first = await get(api, '/v1/tasks?limit=100&offset=0');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = JSON.parse(first.text);
    expect(Object.keys(page)).toEqual(['data', 'total', 'limit', 'offset']);
    expect(page.data.map((task: { id: number }) => task.id)).toEqual(
      api.tasks.slice(0, 100).map((t) => t.id),
    );
    expect(page).toMatchObject({ total: 250, limit: 100, offset: 0 });
    const last = JSON.parse((await get(api, '/v1/tasks?limit=100&offset=200')).text);
    expect(last.data).toHaveLength(50);
    expect(last.data[49].id).toBe(250);
    expect(JSON.parse((await get(api, '/v1/tasks?offset=250')).text)).toEqual({
      data: [],
      total: 250,
      limit: 100,
      offset: 250,
    });
  });

  it('defaults the limit to 100 and caps a larger one at 100', async () => {
    for (const path of ['/v1/tasks', '/v1/tasks?limit=5000']) {
      const page = JSON.parse((await get(api, path)).text);
      expect(page.data).toHaveLength(100);
      expect(page.limit).toBe(100);
    }
    api.configure({ maxLimit: 30 });
    expect(JSON.parse((await get(api, '/v1/tasks?limit=5000')).text).data).toHaveLength(30);
  });

  it('answers 400 with a JSON error for a limit or offset that is not a non-negative integer', async () => {
    for (const query of [
      'limit=abc',
      'limit=-1',
      'limit=0',
      'limit=2.5',
      'offset=-3',
      'offset=1e3',
      'limit=',
    ]) {
      const answer = await get(api, `/v1/tasks?${query}`);
      expect(answer.status, query).toBe(400);
      expect(JSON.parse(answer.text).error).toBe('invalid_parameter');
    }
  });

  it('answers 401 to a missing or wrong key, without echoing the key', async () => {
    for (const key of [null, 'wrong-key-canary-42', '']) {
      const answer = await get(api, '/v1/tasks', key);
      expect(answer.status).toBe(401);
      expect(answer.text).toBe('{"error":"unauthorized","message":"missing or invalid api_key"}');
    }
    expect(api.stats.log.map((entry) => entry.query.api_key)).toEqual([undefined, '***', '***']);
  });

  it('accepts the key in an X-API-Key header or as a bearer token', async () => {
    for (const headers of [{ 'x-api-key': DEMO_API_KEY }, { authorization: `Bearer ${DEMO_API_KEY}` }]) {
      expect((await client.getWithHeaders(api, '/v1/tasks?limit=1', headers)).status).toBe(200);
    }
  });

  it('serves one task by id, and a JSON 404 for an unknown id or path', async () => {
    const one = await get(api, '/v1/tasks/42');
    expect(one.status).toBe(200);
    expect(JSON.parse(one.text)).toEqual(api.tasks[41]);
    for (const path of ['/v1/tasks/251', '/v1/tasks/abc', '/v1/projects', '/']) {
      const answer = await get(api, path);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.text).error).toBe('not_found');
    }
  });

  it('serves ids beyond 2^53 as exact JSON integers', async () => {
    api.setTasks(generateTasks({ count: 3, firstId: 2n ** 53n + 1n }));
    const page = await get(api, '/v1/tasks');
    expect(page.text).toContain('"id":9007199254740993,');
    expect(page.text).toContain('"id":9007199254740995,');
    const one = await get(api, '/v1/tasks/9007199254740994');
    expect(one.text.startsWith('{"id":9007199254740994,')).toBe(true);
  });

  it('serves changed tasks once the revision changes', async () => {
    const before = JSON.parse((await get(api, '/v1/tasks/8')).text);
    api.configure({ revision: 1 });
    const after = JSON.parse((await get(api, '/v1/tasks/8')).text);
    expect(after.name).not.toBe(before.name);
    expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
  });

  it('counts requests by status and logs them with the key hidden', async () => {
    await get(api, '/v1/tasks?limit=2&offset=4');
    await get(api, '/v1/nothing');
    expect(api.stats).toMatchObject({ requests: 2, byStatus: { '200': 1, '404': 1 }, dropped: 0 });
    expect(api.stats.log[0]).toEqual({
      method: 'GET',
      path: '/v1/tasks',
      query: { limit: '2', offset: '4', api_key: '***' },
      status: 200,
    });
    expect(JSON.stringify(api.stats)).not.toContain(DEMO_API_KEY);
  });

  it('closes promptly with an idle keep-alive connection, a request still waiting and one half sent', async () => {
    const own = await startTaskApi({ count: 5 });
    expect((await get(own, '/v1/tasks')).status).toBe(200);
    own.configure({ latencyMs: 30_000 });
    const waiting = get(own, '/v1/tasks').catch((error: unknown) => error);
    const halfSent = connect(own.port, '127.0.0.1', () => halfSent.write('GET /v1/tasks HTTP/1.1\r\n'));
    const halfSentClosed = once(halfSent, 'close');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await waiting).toMatchObject({ code: 'UND_ERR_SOCKET' });
    await halfSentClosed;
  }, 5_000);

  it('rejects an invalid setting and keeps the previous ones', async () => {
    expect(() => api.configure({ latencyMs: 2_000, maxLimit: 0 })).toThrow(/maxLimit/);
    expect(() => api.configure({ faults: { rate: 2 } })).toThrow(/rate/);
    const started = performance.now();
    expect((await get(api, '/v1/tasks')).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
