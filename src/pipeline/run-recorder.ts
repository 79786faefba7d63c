import type { Destination } from '../destinations/destination.js';
import { RunSpans } from '../telemetry/run-spans.js';
import type { TributaryEvent } from './events.js';
import { datasetIdentifier, type PipelineSession } from './pipeline-session.js';
import type { TraceStep } from './pipeline-trace.js';
import { exitCodeFor, RunCounters, type RunReport } from './run-report.js';
import { markReported, writeRunReport } from './run-report-file.js';

export interface RecorderOptions {
  pipelineName: string;
  datasetName?: string;
  destination: Destination;
  /** Path of the JSON run report to write when the run ends. */
  report?: string;
}

/**
 * Watches one run: counts what its events say, mirrors them as OpenTelemetry spans, and at the
 * end builds the run report (success or failure) and writes it where `report` says.
 */
export class RunRecorder {
  readonly counters = new RunCounters();
  readonly #options: RecorderOptions;
  readonly #spans: RunSpans;
  readonly #startedAt = new Date();
  readonly #start = performance.now();

  constructor(options: RecorderOptions) {
    this.#options = options;
    this.#spans = new RunSpans({
      'tributary.pipeline': options.pipelineName,
      'tributary.destination': options.destination.type,
    });
  }

  observe(event: TributaryEvent): void {
    this.counters.observe(event);
    this.#spans.observe(event);
  }

  /**
   * The run's report; written to `report` when set. A report that cannot be written fails a run
   * that succeeded; a failed run keeps its own error.
   */
  async finish(
    session: PipelineSession | undefined,
    steps: readonly TraceStep[],
    thrown?: { error: unknown },
  ): Promise<RunReport> {
    const failed = thrown !== undefined;
    const error = thrown?.error;
    const failure = failed ? this.counters.fail(error) : undefined;
    const c = this.counters;
    const { pipelineName, datasetName, destination } = this.#options;
    const report: RunReport = {
      pipeline: pipelineName,
      dataset: session?.dataset ?? datasetIdentifier(pipelineName, datasetName, destination),
      destination: destination.type,
      location: destination.location,
      status: failed ? 'failed' : 'completed',
      exitCode: failed ? (exitCodeFor(error) === 2 ? 2 : 1) : 0,
      loadId: c.loadId,
      loadIds: [...(session?.loadIds ?? [])],
      resources: [...c.resources.values()],
      rows: { ...session?.rows },
      requests: c.requests,
      retries: c.retries,
      bytes: c.bytes,
      startedAt: this.#startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - this.#start),
      timings: {
        steps: steps.map(({ step, durationMs, ok }) => ({ step, durationMs, ok })),
        loadMs: c.loadMs,
      },
      errors: failure ? [failure] : [],
      warnings: [...c.warnings],
    };
    this.#spans.end(failure, {
      'tributary.requests': c.requests,
      'tributary.retries': c.retries,
      'tributary.records': report.resources.reduce((sum, r) => sum + r.records, 0),
    });
    if (this.#options.report !== undefined) {
      try {
        await writeRunReport(this.#options.report, report);
        if (failed) markReported(error);
      } catch (writeError) {
        if (!failed) throw writeError;
      }
    }
    return report;
  }
}
