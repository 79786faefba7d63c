import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetFacts } from '../destinations/destination.js';
import { type PipelineState, readLocalState } from '../load/pipeline-state.js';
import type { StoredSchema } from '../schema/schema-types.js';
import type { PipelineTarget } from './pipeline-commands.js';
import { listPendingPackages, type PendingPackage } from './pipeline-packages.js';
import { datasetIdentifier, readLocalSchema } from './pipeline-session.js';
import { type RunTrace, readTrace } from './pipeline-trace.js';
import { pipelineWorkingDir } from './working-dir.js';

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

export const workingDirOf = (target: PipelineTarget) =>
  target.workingDir ?? pipelineWorkingDir(target.pipelineName);

export async function localSchemaNames(workingDir: string): Promise<string[]> {
  const files = await readdir(join(workingDir, 'schemas')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.schema.json')).map((f) => f.slice(0, -'.schema.json'.length));
}

export function schemaNamesOf(...states: Array<PipelineState | undefined>): string[] {
  return states.flatMap((s) => (s ? [s.default_schema_name, ...s.schema_names] : []));
}

export const unique = (names: string[]) => [...new Set(names)].filter((n) => n !== '').sort();

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
  const names = unique([...(await localSchemaNames(workingDir)), ...schemaNamesOf(localState, remoteState)]);
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
