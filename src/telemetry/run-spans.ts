import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { secretRegistry } from '../config/secret-registry.js';
import type { TributaryEvent } from '../pipeline/events.js';
import type { ReportedError } from '../pipeline/run-report.js';

/** Epoch ms now, sub-millisecond: span times placed back from a measured duration. */
const epochNow = () => performance.timeOrigin + performance.now();

/** The tracer spans go to: a no-op one unless the program registered an OpenTelemetry SDK. */
export function tributaryTracer(): Tracer {
  return trace.getTracer('tributary');
}

/**
 * OpenTelemetry spans of one run, built from its events (docs/observability.md): `tributary.run`
 * → `tributary.resource` → one `GET`/`POST` client span per attempt and `tributary.normalize` per
 * page; `tributary.load` per load. Events arrive redacted; messages are redacted once more here.
 * Without a registered SDK the API hands out no-op spans, so this costs next to nothing.
 */
export class RunSpans {
  readonly #tracer: Tracer;
  readonly #run: Span;
  readonly #runContext: Context;
  readonly #resources = new Map<string, { span: Span; context: Context }>();
  readonly #loads = new Map<string, Span>();

  constructor(attributes: Attributes, tracer: Tracer = tributaryTracer()) {
    this.#tracer = tracer;
    this.#run = tracer.startSpan('tributary.run', { attributes }, context.active());
    this.#runContext = trace.setSpan(context.active(), this.#run);
  }

  #resource(name: string): { span: Span; context: Context } {
    let entry = this.#resources.get(name);
    if (entry === undefined) {
      const span = this.#tracer.startSpan(
        'tributary.resource',
        { attributes: { 'tributary.resource': name } },
        this.#runContext,
      );
      entry = { span, context: trace.setSpan(this.#runContext, span) };
      this.#resources.set(name, entry);
    }
    return entry;
  }

  /** A span that already happened: it ended now and lasted `durationMs`. */
  #past(name: string, parent: Context, durationMs: number, attributes: Attributes, kind = SpanKind.INTERNAL) {
    const end = epochNow();
    const span = this.#tracer.startSpan(name, { kind, attributes, startTime: end - durationMs }, parent);
    return { span, end };
  }

  observe(event: TributaryEvent): void {
    // No SDK registered (or the run not sampled): nothing would be recorded, so build nothing.
    if (!this.#run.isRecording()) return;
    switch (event.type) {
      case 'run_started':
        this.#run.setAttributes({
          'tributary.dataset': event.dataset,
          'tributary.load_id': event.loadId,
        });
        return;
      case 'resource_started':
        this.#resource(event.resource);
        return;
      case 'response': {
        const failed = event.status === undefined || event.status >= 400;
        const { span, end } = this.#past(
          event.method,
          this.#resource(event.resource).context,
          event.durationMs,
          {
            'http.request.method': event.method,
            'url.full': secretRegistry.redact(event.url),
            'tributary.attempt': event.attempt,
            'http.request.resend_count': event.attempt - 1,
            'http.response.body.size': event.bytes,
            ...(event.status === undefined ? {} : { 'http.response.status_code': event.status }),
            ...(failed ? { 'error.type': event.error ?? String(event.status) } : {}),
          },
          SpanKind.CLIENT,
        );
        if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end(end);
        return;
      }
      case 'retry':
        this.#resource(event.resource).span.addEvent('retry', {
          'tributary.attempt': event.attempt,
          'tributary.retry.reason': secretRegistry.redact(event.reason),
          'tributary.retry.wait_ms': event.waitMs,
        });
        return;
      case 'page': {
        const { span, end } = this.#past(
          'tributary.normalize',
          this.#resource(event.resource).context,
          event.normalizeMs ?? 0,
          { 'tributary.page': event.page, 'tributary.records': event.records },
        );
        span.end(end);
        return;
      }
      case 'resource_finished': {
        const entry = this.#resource(event.resource);
        entry.span.setAttributes({
          'tributary.pages': event.pages,
          'tributary.records': event.records,
          ...(event.stopReason === undefined
            ? {}
            : { 'tributary.stop_reason': secretRegistry.redact(event.stopReason) }),
        });
        entry.span.end();
        return;
      }
      case 'load_started':
        this.#loads.set(
          event.loadId,
          this.#tracer.startSpan(
            'tributary.load',
            { attributes: { 'tributary.load_id': event.loadId, 'tributary.tables': event.tables.length } },
            this.#runContext,
          ),
        );
        return;
      case 'load_finished': {
        const span = this.#loads.get(event.loadId);
        this.#loads.delete(event.loadId);
        const rows = Object.values(event.rows).reduce((sum, n) => sum + n, 0);
        span?.setAttribute('tributary.rows', rows);
        span?.end();
        return;
      }
      case 'warning':
        this.#run.addEvent('warning', { message: secretRegistry.redact(event.message) });
        return;
      default:
        return;
    }
  }

  /** Ends every open span; a failed run's spans carry the error's code and redacted message. */
  end(error: ReportedError | undefined, attributes: Attributes = {}): void {
    const failed = (span: Span) => {
      if (error === undefined) return;
      const message = secretRegistry.redact(error.message);
      span.setAttribute('error.type', error.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      span.addEvent('exception', { 'exception.type': error.code, 'exception.message': message });
    };
    for (const span of this.#loads.values()) {
      failed(span);
      span.end();
    }
    for (const [name, { span }] of this.#resources) {
      if (!span.isRecording()) continue;
      if (error?.resource === name) failed(span);
      span.end();
    }
    this.#run.setAttributes(attributes);
    failed(this.#run);
    this.#run.end();
  }
}
