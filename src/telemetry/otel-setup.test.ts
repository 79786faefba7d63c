import { describe, expect, it } from 'vitest';
import { telemetryRequest } from './otel-setup.js';

describe('which span export the environment asks for', () => {
  it('exports nothing when no OpenTelemetry variable is set', () => {
    expect(telemetryRequest({})).toEqual({ kind: 'none' });
  });

  it('exports with otlp when an endpoint is set, or when OTEL_TRACES_EXPORTER names otlp', () => {
    expect(telemetryRequest({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
      kind: 'otlp',
    });
    expect(telemetryRequest({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c/v1/traces' })).toEqual({
      kind: 'otlp',
    });
    expect(telemetryRequest({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ kind: 'otlp' });
    expect(
      telemetryRequest({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toEqual({ kind: 'otlp' });
  });

  it('is turned off by OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(telemetryRequest({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toEqual({ kind: 'none' });
    expect(telemetryRequest({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toEqual({ kind: 'none' });
  });

  it('refuses exporters and protocols it does not have, saying why', () => {
    const zipkin = telemetryRequest({ OTEL_TRACES_EXPORTER: 'zipkin' });
    expect(zipkin).toMatchObject({ kind: 'unsupported' });
    expect(zipkin.kind === 'unsupported' && zipkin.reason).toContain('OTEL_TRACES_EXPORTER=zipkin');
    const grpc = telemetryRequest({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc.kind === 'unsupported' && grpc.reason).toContain('4318');
  });
});
