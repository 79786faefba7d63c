import { trace } from '@opentelemetry/api';

/** An SDK the CLI started: flush and stop it before the process ends. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/** What the environment asks for: `otlp` export, nothing, or something Tributary does not do. */
export type TelemetryRequest = { kind: 'none' } | { kind: 'otlp' } | { kind: 'unsupported'; reason: string };

const truthy = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/**
 * Reads the standard OpenTelemetry variables: spans are exported when `OTEL_TRACES_EXPORTER`
 * names `otlp`, or when it is unset and an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is. `OTEL_SDK_DISABLED=true` and `none` turn it off.
 * Only OTLP over HTTP with JSON bodies is built in; `grpc` is refused with a reason.
 */
export function telemetryRequest(env: NodeJS.ProcessEnv): TelemetryRequest {
  if (truthy(env.OTEL_SDK_DISABLED)) return { kind: 'none' };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (exporters.includes('none')) return { kind: 'none' };
  if (exporters.length === 0 && !endpoint) return { kind: 'none' };
  const other = exporters.filter((name) => name !== 'otlp');
  if (other.length > 0) {
    return {
      kind: 'unsupported',
      reason: `OTEL_TRACES_EXPORTER=${other.join(',')} is not supported; Tributary exports spans with otlp only`,
    };
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol === 'grpc') {
    return {
      kind: 'unsupported',
      reason:
        'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; Tributary sends OTLP over HTTP (http/json) — point OTEL_EXPORTER_OTLP_ENDPOINT at the collector’s HTTP port (4318)',
    };
  }
  return { kind: 'otlp' };
}

const SDK_PACKAGES =
  '@opentelemetry/sdk-trace @opentelemetry/exporter-trace-otlp-http @opentelemetry/resources';

/**
 * Starts the OpenTelemetry SDK when the environment asks for span export, and registers it as
 * the global tracer provider the library's spans go to. The SDK packages are optional peers,
 * loaded only then; when they are missing, or the request cannot be met, `warn` says why and the
 * run goes on without spans.
 */
export async function startTelemetry(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): Promise<Telemetry | undefined> {
  const request = telemetryRequest(env);
  if (request.kind === 'none') return undefined;
  if (request.kind === 'unsupported') {
    warn(`${request.reason}; no spans are exported`);
    return undefined;
  }
  let modules: [
    typeof import('@opentelemetry/sdk-trace'),
    typeof import('@opentelemetry/exporter-trace-otlp-http'),
    typeof import('@opentelemetry/resources'),
  ];
  try {
    modules = await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  } catch {
    warn(`span export is configured (OTEL_*) but the SDK is not installed: npm install ${SDK_PACKAGES}`);
    return undefined;
  }
  const [{ BatchSpanProcessor, TracerProvider }, { OTLPTraceExporter }, resources] = modules;
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'tributary' }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults.
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => {
        warn(`could not export spans: ${error instanceof Error ? error.message : String(error)}`);
      });
      trace.disable();
    },
  };
}
