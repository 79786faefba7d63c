import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Destination } from '../destinations/destination.js';
import { ConfigError, TributaryError } from '../errors/tributary-error.js';
import { LoadPackageWriter } from '../load/load-package-writer.js';
import { nextState, type PipelineState, readLocalState, writeLocalState } from '../load/pipeline-state.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import type { StoredSchema } from '../schema/schema-types.js';
import { bumpSchemaVersion } from '../schema/schema-version.js';
import { planDrop, schemaWithout, sourcesWithout } from './drop-plan.js';
import { newLoadId } from './load-id.js';
import { localSchemaNames, schemaNamesOf, unique, workingDirOf } from './pipeline-info.js';
import { listPendingPackages, type PendingPackage, removePendingPackages } from './pipeline-packages.js';
import { PipelineSession, writeLocalSchema } from './pipeline-session.js';

export { type CursorInfo, type PipelineInfo, pipelineInfo, pipelineTrace } from './pipeline-info.js';
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
      throw new ConfigError(
        `resources of different sources (${found.sources.join(', ')}): drop them one source at a time`,
      );
    }
    const { plan } = found;
    const stored = schemas.find((s) => s.name === plan.schemaName) ?? (await session.schema(plan.schemaName));
    const schema = schemaWithout(stored, plan.tables);
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
