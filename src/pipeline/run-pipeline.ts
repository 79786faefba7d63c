import type { RestApiSource } from '../config/rest-api-source.js';
import { secretRegistry } from '../config/secret-registry.js';
import type { Destination } from '../destinations/destination.js';
import { type CassetteOptions, openCassette } from '../extract/cassettes/cassette-dispatcher.js';
import { HttpClient } from '../extract/http/http-client.js';
import { DEFAULT_CONCURRENCY } from '../extract/http/rate-budget.js';
import { retryPolicyFrom } from '../extract/http/retry-policy.js';
import { LoadPackageWriter, type PackagePart } from '../load/load-package-writer.js';
import { nextState } from '../load/pipeline-state.js';
import { createNaming } from '../normalize/naming.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { SchemaEvolver } from '../schema/schema-evolver.js';
import { bumpSchemaVersion } from '../schema/schema-version.js';
import { refuseUnsupportedDispositions } from './disposition-support.js';
import { redactEvent } from './events.js';
import { extractSource } from './extract-source.js';
import { newLoadId } from './load-id.js';
import { PipelineSession } from './pipeline-session.js';
import { PipelineTrace } from './pipeline-trace.js';
import { RecordNormalizer } from './record-normalizer.js';
import { RunRecorder } from './run-recorder.js';
import type { RunReport } from './run-report.js';

/** `record` / `replay`: see docs/record-replay.md. */
export interface PipelineOptions extends CassetteOptions {
  pipelineName: string;
  /** Default `<pipeline_name>_dataset`, as in dlt. */
  datasetName?: string;
  destination: Destination;
  /** Default `~/.tributary/pipelines/<name>` (or under `TRIBUTARY_HOME`). */
  workingDir?: string;
  runtime?: Partial<Runtime>;
  signal?: AbortSignal;
  /** Requests at once per host; overrides `client.concurrency`. 1 pages one request at a time, as dlt. */
  concurrency?: number;
  /** Path of a JSON run report (docs/run-report.md), written when the run ends, also when it fails. */
  report?: string;
  /**
   * Records normalized on the pipeline's thread before a worker thread takes normalizing over
   * (default 5000; `Infinity`: never), so that a large CPU-bound run uses a second core.
   */
  normalizeWorkerAfter?: number;
  /**
   * Bytes after which a table's package file is closed and its next rows go to a new one (default
   * 8 MiB). A destination that loads during extraction (DuckDB) reads the closed files meanwhile.
   */
  packagePartBytes?: number;
}

/** Extracts and normalizes every selected resource into a new load package. */
async function extractPackage(source: RestApiSource, session: PipelineSession, options: PipelineOptions) {
  const { signal } = options;
  const concurrency = options.concurrency ?? source.client.concurrency ?? DEFAULT_CONCURRENCY;
  const { runtime, destination } = session;
  const schema = await session.schema(source.name);
  const { state: previousState, remote } = await session.state();
  const loadId = newLoadId();
  runtime.emit({
    type: 'run_started',
    pipeline: session.pipelineName,
    dataset: session.dataset,
    destination: destination.type,
    loadId,
  });
  const cassette = await openCassette(options, runtime.now());
  // A destination that can reads the package's closed files while the rest is extracted; if the
  // run fails before the load, that is rolled back (and at the latest when the session closes).
  const early = destination.beginLoad?.(loadId, session.dataset);
  const abandon = async (error: unknown): Promise<never> => {
    await early?.abandon();
    throw error;
  };
  const writer = await LoadPackageWriter.create(session.workingDir, loadId, {
    ...(options.packagePartBytes === undefined ? {} : { partBytes: options.packagePartBytes }),
    ...(early ? { onPart: (part: PackagePart) => early.stage(part) } : {}),
  }).catch(abandon);
  // The first failure of any resource stops the others' requests and waits (a sibling may be
  // sleeping out a long Retry-After), so the error reaches the caller at once.
  const failFast = new AbortController();
  const extractSignal = signal ? AbortSignal.any([signal, failFast.signal]) : failFast.signal;
  const http = new HttpClient({
    ...(cassette ? { dispatcher: cassette.dispatcher } : {}),
    policy: retryPolicyFrom(source.client.retry ?? {}),
    timeoutMs: (source.client.timeout ?? 60) * 1000,
    runtime: cassette ? cassette.runtime(runtime) : runtime,
    concurrency,
    requestsPerSecond: source.client.rate_limit?.requests_per_second,
    maxResponseBytes: source.client.max_response_bytes,
    signal: extractSignal,
  });
  const naming = createNaming(destination.capabilities.maxIdentifierLength);
  const normalizer = new RecordNormalizer({
    naming,
    evolver: new SchemaEvolver(structuredClone(schema), naming, source.detections),
    detections: source.detections,
    sink: writer,
    ...(options.normalizeWorkerAfter === undefined ? {} : { workerAfter: options.normalizeWorkerAfter }),
    onFailure: () => failFast.abort(),
    onHandOver: (records) => runtime.emit({ type: 'normalize_worker', records }),
  });
  let extracted: Awaited<ReturnType<typeof extractSource>>;
  try {
    extracted = await extractSource({
      source,
      http,
      runtime,
      normalizer,
      sourceState: (previousState?.sources[source.name] ?? {}) as Record<string, unknown>,
      concurrency,
      onFailure: () => failFast.abort(),
    });
  } catch (error) {
    await writer.discard();
    await early?.abandon();
    // A failure in the normalize worker stops the requests; the cause, not their abort, is the error.
    throw normalizer.failure ?? error;
  } finally {
    failFast.abort();
    await normalizer.close();
    await http.close();
    await cassette?.close();
  }
  bumpSchemaVersion(extracted.schema);
  const { state, changed } = nextState(previousState, {
    sources: { ...previousState?.sources, [source.name]: extracted.sourceState },
    pipeline_name: session.pipelineName,
    dataset_name: session.dataset,
    default_schema_name: source.name,
    schema_names: [source.name],
    destination_type: `tributary.destinations.${destination.type}`,
    destination_name: destination.type,
  });
  return writer
    .commit(
      {
        pipelineName: session.pipelineName,
        schemaName: source.name,
        createdAt: new Date(runtime.now()).toISOString(),
        rootTables: extracted.rootTables,
        // Also when the destination lacks it (a new database for a known pipeline).
        state: changed || remote?._version_hash !== state._version_hash ? state : undefined,
      },
      extracted.schema,
    )
    .catch(abandon);
}

/**
 * Runs a source into a destination, dlt's way: first finishes load packages a previous run left,
 * then extracts and normalizes every selected resource into a new package on disk, then loads it
 * in one transaction with the schema version, the state and the `_dlt_loads` row. The run's trace
 * is kept in the working folder for `tributary pipeline <name> trace`.
 *
 * @example
 * const report = await runPipeline(await loadConfigFile('tasks.yaml'), {
 *   pipelineName: 'tasks', destination: new DuckDbDestination('tasks.duckdb'),
 * });
 */
export async function runPipeline(source: RestApiSource, options: PipelineOptions): Promise<RunReport> {
  const recorder = new RunRecorder(options);
  const trace = new PipelineTrace(options.pipelineName);
  const userEmit = options.runtime?.emit;
  const runtime = createRuntime({
    ...options.runtime,
    emit: (raw) => {
      const event = redactEvent(raw, (text) => secretRegistry.redact(text));
      recorder.observe(event);
      trace.observe(event);
      userEmit?.(event);
    },
  });
  let session: PipelineSession | undefined;
  let thrown: { error: unknown } | undefined;
  try {
    refuseUnsupportedDispositions(source, options.destination);
    session = await trace.step('open', () => PipelineSession.open({ ...options, runtime }));
    const open = session;
    await trace.step('finish pending', () => open.finishPending());
    const pkg = await trace.step('extract', () => extractPackage(source, open, options));
    await trace.step('load', () => open.load(pkg));
  } catch (error) {
    trace.fail(error);
    thrown = { error };
  } finally {
    await session?.close();
    if (session) await trace.save(session.workingDir, recorder.counters);
  }
  // The report (and the spans) also for a failed run: with the error, written before it is thrown.
  const report = await recorder.finish(session, trace.steps, thrown);
  if (thrown) throw thrown.error;
  return report;
}
