import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestApiSource } from '../config/rest-api-source.js';
import type { Destination } from '../destinations/destination.js';
import { HttpClient } from '../extract/http/http-client.js';
import { retryPolicyFrom } from '../extract/http/retry-policy.js';
import { type LoadPackage, LoadPackageWriter, markLoaded, pendingPackages } from '../load/load-package.js';
import { nextState, type PipelineState, readLocalState, writeLocalState } from '../load/pipeline-state.js';
import { createNaming } from '../normalize/naming.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { SchemaEvolver } from '../schema/schema-evolver.js';
import type { StoredSchema } from '../schema/schema-types.js';
import { bumpSchemaVersion, emptySchema } from '../schema/schema-version.js';
import { extractSource } from './extract-source.js';
import { newLoadId } from './load-id.js';
import { RunCounters, type RunReport } from './run-report.js';
import { pipelineWorkingDir } from './working-dir.js';

export interface PipelineOptions {
  pipelineName: string;
  /** Default `<pipeline_name>_dataset`, as in dlt. */
  datasetName?: string;
  destination: Destination;
  /** Default `~/.tributary/pipelines/<name>` (or under `TRIBUTARY_HOME`). */
  workingDir?: string;
  runtime?: Partial<Runtime>;
  signal?: AbortSignal;
}

async function readLocalSchema(workingDir: string, name: string): Promise<StoredSchema | undefined> {
  try {
    return JSON.parse(
      await readFile(join(workingDir, 'schemas', `${name}.schema.json`), 'utf8'),
    ) as StoredSchema;
  } catch {
    return undefined;
  }
}

async function writeLocalSchema(workingDir: string, schema: StoredSchema): Promise<void> {
  const dir = join(workingDir, 'schemas');
  await mkdir(dir, { recursive: true });
  const target = join(dir, `${schema.name}.schema.json`);
  await writeFile(`${target}.tmp`, JSON.stringify(schema, null, 2));
  await rename(`${target}.tmp`, target);
}

/** The newer of the local copy and the destination's (dlt restores from the destination when newer). */
function newer<T>(local: T | undefined, remote: T | undefined, version: (t: T) => number): T | undefined {
  if (local === undefined) return remote;
  if (remote === undefined) return local;
  return version(remote) > version(local) ? remote : local;
}

/**
 * Runs a source into a destination, dlt's way: first finishes load packages a previous run left,
 * then extracts and normalizes every selected resource into a new package on disk, then loads it
 * in one transaction with the schema version, the state and the `_dlt_loads` row.
 *
 * @example
 * const report = await runPipeline(await loadConfigFile('tasks.yaml'), {
 *   pipelineName: 'tasks', destination: new DuckDbDestination('tasks.duckdb'),
 * });
 */
export async function runPipeline(source: RestApiSource, options: PipelineOptions): Promise<RunReport> {
  const started = performance.now();
  const counters = new RunCounters();
  const userEmit = options.runtime?.emit;
  const runtime = createRuntime({
    ...options.runtime,
    emit: (event) => {
      counters.observe(event);
      userEmit?.(event);
    },
  });
  const { pipelineName, destination } = options;
  const dataset = createNaming(destination.capabilities.maxIdentifierLength).normalizeIdentifier(
    options.datasetName ?? `${pipelineName}_dataset`,
  );
  const workingDir = options.workingDir ?? pipelineWorkingDir(pipelineName);
  await mkdir(workingDir, { recursive: true });
  const rows: Record<string, number> = {};
  const loadIds: string[] = [];
  const load = async (pkg: LoadPackage) => {
    if (!(await destination.isLoaded(dataset, pkg.manifest.loadId))) {
      runtime.emit({
        type: 'load_started',
        loadId: pkg.manifest.loadId,
        tables: pkg.manifest.tables.map((t) => t.name),
      });
      const result = await destination.load(pkg, dataset);
      for (const [table, count] of Object.entries(result.rows)) rows[table] = (rows[table] ?? 0) + count;
      runtime.emit({ type: 'load_finished', loadId: pkg.manifest.loadId, rows: result.rows });
    }
    await markLoaded(workingDir, pkg);
    await writeLocalSchema(workingDir, pkg.schema);
    if (pkg.manifest.state) await writeLocalState(workingDir, pkg.manifest.state);
    loadIds.push(pkg.manifest.loadId);
  };

  await destination.open();
  try {
    for (const pkg of await pendingPackages(workingDir)) {
      runtime.emit({ type: 'pending_package', loadId: pkg.manifest.loadId });
      await load(pkg);
    }
    const naming = createNaming(destination.capabilities.maxIdentifierLength);
    const schema =
      newer(
        await readLocalSchema(workingDir, source.name),
        await destination.storedSchema(dataset, source.name),
        (s) => s.version,
      ) ?? emptySchema(source.name);
    const remoteState = await destination.storedState(dataset, pipelineName);
    const previousState = newer<PipelineState>(
      await readLocalState(workingDir),
      remoteState,
      (s) => s._state_version,
    );
    const loadId = newLoadId();
    runtime.emit({
      type: 'run_started',
      pipeline: pipelineName,
      dataset,
      destination: destination.type,
      loadId,
    });
    const writer = await LoadPackageWriter.create(workingDir, loadId);
    const http = new HttpClient({
      policy: retryPolicyFrom(source.client.retry ?? {}),
      timeoutMs: (source.client.timeout ?? 60) * 1000,
      runtime,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const evolver = new SchemaEvolver(structuredClone(schema), naming, source.detections);
    let extracted: Awaited<ReturnType<typeof extractSource>>;
    try {
      extracted = await extractSource({
        source,
        http,
        runtime,
        naming,
        evolver,
        writer,
        sourceState: (previousState?.sources[source.name] ?? {}) as Record<string, unknown>,
      });
    } catch (error) {
      await writer.discard();
      throw error;
    } finally {
      await http.close();
    }
    bumpSchemaVersion(evolver.schema);
    const { state, changed } = nextState(previousState, {
      sources: { ...previousState?.sources, [source.name]: extracted.sourceState },
      pipeline_name: pipelineName,
      dataset_name: dataset,
      default_schema_name: source.name,
      schema_names: [source.name],
      destination_type: `tributary.destinations.${destination.type}`,
      destination_name: destination.type,
    });
    const pkg = await writer.commit(
      {
        pipelineName,
        schemaName: source.name,
        createdAt: new Date(runtime.now()).toISOString(),
        rootTables: extracted.rootTables,
        // Also when the destination lacks it (a new database for a known pipeline).
        state: changed || remoteState?._version_hash !== state._version_hash ? state : undefined,
      },
      evolver.schema,
    );
    await load(pkg);
  } finally {
    await destination.close();
  }
  const report: RunReport = {
    pipeline: pipelineName,
    dataset,
    destination: destination.type,
    location: destination.location,
    loadIds,
    resources: [...counters.resources.values()],
    rows,
    requests: counters.requests,
    retries: counters.retries,
    durationMs: Math.round(performance.now() - started),
  };
  return report;
}
