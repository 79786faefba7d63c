import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetFacts, Destination } from '../destinations/destination.js';
import { ConfigError, TributaryError } from '../errors/tributary-error.js';
import { LoadPackageWriter } from '../load/load-package.js';
import { nextState, type PipelineState, readLocalState, writeLocalState } from '../load/pipeline-state.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import type { StoredSchema } from '../schema/schema-types.js';
import { bumpSchemaVersion } from '../schema/schema-version.js';
import { planDrop, schemaWithout, sourcesWithout } from './drop-plan.js';
import { newLoadId } from './load-id.js';
import { listPendingPackages, type PendingPackage, removePendingPackages } from './pipeline-packages.js';
import { datasetIdentifier, PipelineSession, readLocalSchema, writeLocalSchema } from './pipeline-session.js';
import { type RunTrace, readTrace } from './pipeline-trace.js';
import { pipelineWorkingDir } from './working-dir.js';

export { dropPendingPackages, type PendingPackage } from './pipeline-packages.js';

/** Which pipeline a command works on. The dataset defaults to the one the local state names. */
export interface PipelineTarget {
  pipelineName: string;
  destination: Destination;
  datasetName?: string;
  /** Default `~/.tributary/pipelines/<name>` (or under `TRIBUTARY_HOME`). */
  workingDir?: string;
  runtime?: Partial<Runtime>;
}

/** One incremental cursor of the state: only its values, never the rest of the state. */
export interface CursorInfo {
  source: string;
  resource: string;
  cursorPath: string;
  lastValue: unknown;
  initialValue: unknown;
}

export interface SchemaVersionInfo {
  name: string;
  local: { version: number; hash: string } | null;
  destination: { version: number; hash: string } | null;
}

/** What `tributary pipeline <name> info` shows. */
export interface PipelineInfo {
  pipeline: string;
  workingDir: string;
  dataset: string;
  destination: { type: string; location: string; read: boolean; error: string | null };
  pendingPackages: PendingPackage[];
  state: { local: number | null; destination: number | null };
  cursors: CursorInfo[];
  schemas: SchemaVersionInfo[];
  loads: DatasetFacts['loads'];
  tables: DatasetFacts['tables'];
}

const workingDirOf = (target: PipelineTarget) => target.workingDir ?? pipelineWorkingDir(target.pipelineName);

async function localSchemaNames(workingDir: string): Promise<string[]> {
  const files = await readdir(join(workingDir, 'schemas')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.schema.json')).map((f) => f.slice(0, -'.schema.json'.length));
}

function schemaNamesOf(...states: Array<PipelineState | undefined>): string[] {
  return states.flatMap((s) => (s ? [s.default_schema_name, ...s.schema_names] : []));
}

const unique = (names: string[]) => [...new Set(names)].filter((n) => n !== '').sort();

/** The incremental cursors of a state, per source, resource and cursor path. */
export function incrementalCursors(state: PipelineState | undefined): CursorInfo[] {
  const cursors: CursorInfo[] = [];
  for (const [source, sourceState] of Object.entries(state?.sources ?? {})) {
    const resources = (sourceState as { resources?: Record<string, unknown> }).resources ?? {};
    for (const [resource, resourceState] of Object.entries(resources)) {
      const incremental = (resourceState as { incremental?: Record<string, Record<string, unknown>> })
        .incremental;
      for (const [cursorPath, cursor] of Object.entries(incremental ?? {})) {
        cursors.push({
          source,
          resource,
          cursorPath,
          lastValue: cursor.last_value ?? null,
          initialValue: cursor.initial_value ?? null,
        });
      }
    }
  }
  return cursors;
}

const versionOf = (schema: StoredSchema | undefined) =>
  schema ? { version: schema.version, hash: schema.version_hash } : null;

/**
 * `tributary pipeline <name> info`: the working folder, pending packages, state versions and
 * incremental cursors, schema versions, and — unless `readDestination` is false (its file does not
 * exist) — the newest loads and every table with its row count. A destination that cannot be
 * opened (a running pipeline holds it) is reported in `destination.error`, the rest still shown.
 */
export async function pipelineInfo(
  target: PipelineTarget,
  options: { loads?: number; readDestination?: boolean } = {},
): Promise<PipelineInfo> {
  const workingDir = workingDirOf(target);
  const { destination } = target;
  const localState = await readLocalState(workingDir);
  const dataset = datasetIdentifier(
    target.pipelineName,
    target.datasetName ?? localState?.dataset_name,
    destination,
  );
  let remoteState: PipelineState | undefined;
  let facts: DatasetFacts = { loads: [], tables: [] };
  const remoteSchemas = new Map<string, StoredSchema>();
  let error: string | null = null;
  const read = options.readDestination ?? true;
  if (read) {
    try {
      await destination.open();
      remoteState = await destination.storedState(dataset, target.pipelineName);
      facts = await destination.inspect(dataset, options.loads ?? 10);
      for (const name of unique(schemaNamesOf(localState, remoteState))) {
        const schema = await destination.storedSchema(dataset, name);
        if (schema) remoteSchemas.set(name, schema);
      }
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    } finally {
      await destination.close();
    }
  }
  const names = unique([
    ...(await localSchemaNames(workingDir)),
    ...schemaNamesOf(localState, remoteState),
  ]);
  const schemas: SchemaVersionInfo[] = [];
  for (const name of names) {
    const local = await readLocalSchema(workingDir, name);
    schemas.push({ name, local: versionOf(local), destination: versionOf(remoteSchemas.get(name)) });
  }
  const newest =
    remoteState && (!localState || remoteState._state_version > localState._state_version)
      ? remoteState
      : localState;
  return {
    pipeline: target.pipelineName,
    workingDir,
    dataset,
    destination: { type: destination.type, location: destination.location, read, error },
    pendingPackages: await listPendingPackages(workingDir),
    state: { local: localState?._state_version ?? null, destination: remoteState?._state_version ?? null },
    cursors: incrementalCursors(newest),
    schemas,
    loads: facts.loads,
    tables: facts.tables,
  };
}

/** `tributary pipeline <name> trace`: the last run's trace, or undefined when none was kept. */
export function pipelineTrace(
  target: Pick<PipelineTarget, 'pipelineName' | 'workingDir'>,
): Promise<RunTrace | undefined> {
  return readTrace(target.workingDir ?? pipelineWorkingDir(target.pipelineName));
}

async function openSession(target: PipelineTarget): Promise<PipelineSession> {
  const workingDir = workingDirOf(target);
  const datasetName = target.datasetName ?? (await readLocalState(workingDir))?.dataset_name;
  return PipelineSession.open({
    pipelineName: target.pipelineName,
    destination: target.destination,
    workingDir,
    runtime: createRuntime(target.runtime),
    ...(datasetName ? { datasetName } : {}),
  });
}

function refusePending(pending: PendingPackage[], pipeline: string, what: string): void {
  if (pending.length === 0) return;
  throw new TributaryError(
    'PENDING_PACKAGES',
    `pipeline ${pipeline} has ${pending.length} pending package(s) (${pending.map((p) => p.loadId).join(', ')}); ${what}`,
  );
}

/** The state's facts without its versions, or a new pipeline's facts (as a run writes them). */
function stateFacts(previous: PipelineState | undefined, session: PipelineSession, schemaName: string) {
  if (previous !== undefined) {
    const { _state_version, _state_engine_version, _version_hash, ...facts } = previous;
    return facts;
  }
  return {
    pipeline_name: session.pipelineName,
    dataset_name: session.dataset,
    default_schema_name: schemaName,
    schema_names: [schemaName],
    destination_type: `tributary.destinations.${session.destination.type}`,
    destination_name: session.destination.type,
    sources: {},
  };
}

export interface DropResult {
  loadId: string;
  dataset: string;
  schemaName: string;
  resources: string[];
  /** Tables dropped from the destination and removed from the schema. */
  tables: string[];
  schemaVersion: number;
  /** The new state version, or null when the resources had no state. */
  stateVersion: number | null;
}

/**
 * `tributary pipeline <name> drop <resource...>`: forgets resources. Their incremental state is
 * removed and their tables (root and nested) are dropped from the destination and removed from the
 * schema, in one load: a package with no data, `dropTables`, the new schema version and the new
 * state, committed in one transaction with its `_dlt_loads` row. Holds the pipeline's lock.
 *
 * @example
 * await dropResources({ pipelineName: 'tasks', destination: new DuckDbDestination('tasks.duckdb') }, ['events']);
 */
export async function dropResources(target: PipelineTarget, resources: string[]): Promise<DropResult> {
  const session = await openSession(target);
  try {
    refusePending(
      await listPendingPackages(session.workingDir),
      session.pipelineName,
      'load them with `tributary run` or discard them with `tributary pipeline <name> drop-pending` first',
    );
    const { state: previous, remote } = await session.state();
    const names = unique([...(await localSchemaNames(session.workingDir)), ...schemaNamesOf(previous)]);
    const schemas = await Promise.all(names.map((name) => session.schema(name)));
    const found = planDrop(schemas, previous, resources);
    if ('unknown' in found) {
      throw new ConfigError(
        `unknown resource(s) ${found.unknown.join(', ')} in pipeline ${session.pipelineName}; known resources: ${found.known.join(', ') || 'none'}`,
      );
    }
    if ('sources' in found) {
      throw new ConfigError(`resources of different sources (${found.sources.join(', ')}): drop them one source at a time`);
    }
    const { plan } = found;
    const schema = schemaWithout(await session.schema(plan.schemaName), plan.tables);
    bumpSchemaVersion(schema);
    const { state, changed } = nextState(previous, {
      ...stateFacts(previous, session, plan.schemaName),
      sources: sourcesWithout(previous, plan.schemaName, plan.resources),
    });
    // Also when the destination lacks it (as a run does).
    const commitState = changed || remote?._version_hash !== state._version_hash;
    const writer = await LoadPackageWriter.create(session.workingDir, newLoadId());
    const pkg = await writer.commit(
      {
        pipelineName: session.pipelineName,
        schemaName: plan.schemaName,
        createdAt: new Date(session.runtime.now()).toISOString(),
        rootTables: [],
        state: commitState ? state : undefined,
        dropTables: plan.tables,
      },
      schema,
    );
    await session.load(pkg);
    return {
      loadId: pkg.manifest.loadId,
      dataset: session.dataset,
      schemaName: plan.schemaName,
      resources: plan.resources,
      tables: plan.tables,
      schemaVersion: schema.version,
      stateVersion: commitState ? state._state_version : null,
    };
  } finally {
    await session.close();
  }
}

export interface SyncResult {
  dataset: string;
  stateVersion: number;
  schemas: Array<{ name: string; version: number }>;
  /** Pending packages that were discarded (only with `dropPending`). */
  droppedPackages: PendingPackage[];
}

/**
 * `tributary pipeline <name> sync`: replaces the working folder's state, schemas and pending
 * packages with the destination's newest state and schema. Refuses when packages are pending
 * unless `dropPending`, and when the destination holds no state of the pipeline (nothing is
 * touched then).
 */
export async function syncFromDestination(
  target: PipelineTarget,
  options: { dropPending: boolean },
): Promise<SyncResult> {
  const session = await openSession(target);
  try {
    const { workingDir, dataset, destination, pipelineName } = session;
    const pending = await listPendingPackages(workingDir);
    if (!options.dropPending) {
      refusePending(pending, pipelineName, 'sync would drop them: pass --drop-pending to do so');
    }
    const state = await destination.storedState(dataset, pipelineName);
    if (state === undefined) {
      throw new ConfigError(
        `dataset ${dataset} in ${destination.location} holds no state of pipeline ${pipelineName}; nothing to restore (is --dataset-name right?)`,
      );
    }
    const schemas: StoredSchema[] = [];
    for (const name of unique(schemaNamesOf(state))) {
      const schema = await destination.storedSchema(dataset, name);
      if (schema) schemas.push(schema);
    }
    await removePendingPackages(workingDir, pending);
    await rm(join(workingDir, 'state.json'), { force: true });
    await rm(join(workingDir, 'schemas'), { recursive: true, force: true });
    for (const schema of schemas) await writeLocalSchema(workingDir, schema);
    await writeLocalState(workingDir, state);
    return {
      dataset,
      stateVersion: state._state_version,
      schemas: schemas.map((s) => ({ name: s.name, version: s.version })),
      droppedPackages: pending,
    };
  } finally {
    await session.close();
  }
}

/** Whether a pipeline has anything to show: a working folder (or a destination the caller found). */
export const hasWorkingDir = (target: Pick<PipelineTarget, 'pipelineName' | 'workingDir'>) =>
  existsSync(target.workingDir ?? pipelineWorkingDir(target.pipelineName));
