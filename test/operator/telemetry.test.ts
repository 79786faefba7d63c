import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const KEY = 'otel-test-key-6b0d2f95';

/** An OTLP/HTTP receiver on 127.0.0.1: keeps the JSON bodies POSTed to /v1/traces. */
async function startOtlpReceiver(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces')
        bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number; message?: string };
}

/** Every span of every export, with its attributes as plain values. */
function spansOf(bodies: string[]) {
  const spans = bodies.flatMap((body) =>
    (JSON.parse(body).resourceSpans as Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>).flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans),
    ),
  );
  return spans.map((span) => ({
    ...span,
    attrs: Object.fromEntries(
      span.attributes.map(({ key, value }) => [
        key,
        value.stringValue ??
          (value.intValue === undefined ? (value.boolValue ?? value.doubleValue) : Number(value.intValue)),
      ]),
    ),
  }));
}

describe('OpenTelemetry spans', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let api: RecordingServer;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let config: string;

  beforeEach(async () => {
    temp = await makeTempDir('tributary-otel-');
    receiver = await startOtlpReceiver();
    let busy = 1;
    api = await startRecordingServer({
      'GET /items': ({ query }) => {
        if (query.get('api_key') !== KEY) return { status: 401, body: { error: 'bad key' } };
        const page = Number(query.get('page') ?? 1);
        if (page === 2 && busy-- > 0) return { status: 503, body: { error: 'busy' } };
        const items = page <= 2 ? [{ id: page, tags: ['x'] }] : [];
        return { body: { items, total_pages: 2 } };
      },
    });
    config = join(temp.dir, 'items.json');
    await writeFile(
      config,
      JSON.stringify({
        client: {
          base_url: api.url,
          auth: { type: 'api_key', name: 'api_key', api_key: '{secrets.api_key}', location: 'query' },
          retry: { max_retries: 2, backoff_factor: 0.01, status_codes: [503] },
        },
        resources: [
          {
            name: 'items',
            endpoint: {
              path: '/items',
              data_selector: 'items',
              paginator: { type: 'page_number', base_page: 1, total_path: 'total_pages' },
            },
          },
        ],
      }),
    );
  });
  afterEach(async () => {
    await api.close();
    await receiver.close();
    await temp.cleanup();
  });

  const runTributary = (otel: Record<string, string>) =>
    runCli(['run', config, '--quiet'], {
      cwd: temp.dir,
      env: { API_KEY: KEY, TRIBUTARY_HOME: join(temp.dir, 'home'), ...otel },
    });

  it('exports run → resource → request spans and normalize/load phases over OTLP/HTTP JSON, secrets masked', async () => {
    const result = await runTributary({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'tributary-test',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(receiver.bodies.length).toBeGreaterThan(0);
    for (const body of receiver.bodies) expect(body).not.toContain(KEY);
    expect(receiver.bodies.join('')).toContain('"tributary-test"');

    const spans = spansOf(receiver.bodies);
    const [runSpan] = spans.filter((s) => s.name === 'tributary.run');
    const [resource] = spans.filter((s) => s.name === 'tributary.resource');
    const requests = spans.filter((s) => s.name === 'GET');
    expect(runSpan?.parentSpanId ?? '').toBe('');
    expect(runSpan?.attrs).toMatchObject({
      'tributary.pipeline': 'items',
      'tributary.destination': 'duckdb',
    });
    expect(resource?.parentSpanId).toBe(runSpan?.spanId);
    expect(resource?.attrs).toMatchObject({
      'tributary.resource': 'items',
      'tributary.pages': 2,
      'tributary.records': 2,
    });
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);

    // Page 1, page 2 answered 503 then 200 on the second attempt.
    expect(api.requests).toHaveLength(3);
    expect(requests.map((s) => [s.attrs['http.response.status_code'], s.attrs['tributary.attempt']])).toEqual(
      [
        [200, 1],
        [503, 1],
        [200, 2],
      ],
    );
    for (const span of requests) {
      expect(span.parentSpanId).toBe(resource?.spanId);
      expect(span.kind).toBe(3); // SPAN_KIND_CLIENT
      expect(span.attrs['http.request.method']).toBe('GET');
      expect(span.attrs['url.full']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/items\?.*api_key=\*\*\*/);
    }
    expect(requests[1]?.attrs['error.type']).toBe('503');
    expect(requests[1]?.status?.code).toBe(2); // STATUS_CODE_ERROR

    const normalize = spans.filter((s) => s.name === 'tributary.normalize');
    expect(normalize).toHaveLength(2);
    for (const span of normalize) expect(span.parentSpanId).toBe(resource?.spanId);
    const [load] = spans.filter((s) => s.name === 'tributary.load');
    expect(load?.parentSpanId).toBe(runSpan?.spanId);
    expect(load?.attrs).toMatchObject({ 'tributary.rows': 4 });
  });

  it('marks the run and resource spans failed with the redacted error when the run fails', async () => {
    const wrongKey = 'otel-wrong-key-e2c7a1';
    const result = await runTributary({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, API_KEY: wrongKey });
    expect(result.code).toBe(1);
    for (const body of receiver.bodies) expect(body).not.toContain(wrongKey);
    const spans = spansOf(receiver.bodies);
    const [runSpan] = spans.filter((s) => s.name === 'tributary.run');
    const [resource] = spans.filter((s) => s.name === 'tributary.resource');
    const [request] = spans.filter((s) => s.name === 'GET');
    expect(request?.attrs).toMatchObject({ 'http.response.status_code': 401, 'error.type': '401' });
    for (const span of [runSpan, resource]) {
      expect(span?.status?.code).toBe(2);
      expect(span?.status?.message).toMatch(/api_key=\*\*\*.* failed: 401/);
      expect(span?.attrs['error.type']).toBe('HTTP_STATUS');
    }
  });

  it('exports nothing without an exporter in the environment, or with OTEL_TRACES_EXPORTER=none', async () => {
    expect((await runTributary({})).code).toBe(0);
    expect(
      (await runTributary({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: 'none' })).code,
    ).toBe(0);
    expect(receiver.bodies).toEqual([]);
  });
});
