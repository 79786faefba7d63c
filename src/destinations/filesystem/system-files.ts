import { inflateSync } from 'node:zlib';
import { encodeState, type PipelineState } from '../../load/pipeline-state.js';
import type { StoredSchema } from '../../schema/schema-types.js';

/**
 * The rows of dlt's system tables as the filesystem destination keeps them: one JSON document per
 * file, with the columns of `_dlt_loads`, `_dlt_version` and `_dlt_pipeline_state` (reference §4.5,
 * §6.2, §6.3) as keys, as dlt writes them.
 */

export interface LoadsDoc {
  load_id: string;
  schema_name: string | null;
  status: number;
  inserted_at: string;
  schema_version_hash: string | null;
}

export interface VersionDoc {
  version_hash: string;
  schema_name: string;
  version: number;
  engine_version: number;
  inserted_at: string;
  /** The whole schema as JSON text. */
  schema: string;
}

export interface StateDoc {
  version: number;
  engine_version: number;
  pipeline_name: string;
  /** base64 of zlib of the state's JSON, as in the SQL destinations. */
  state: string;
  created_at: string;
  version_hash: string;
  _dlt_load_id: string;
}

export const toLine = (doc: object) => `${JSON.stringify(doc)}\n`;

export function loadsDoc(loadId: string, schema: StoredSchema, schemaName: string, now: Date): LoadsDoc {
  return {
    load_id: loadId,
    schema_name: schemaName,
    status: 0,
    inserted_at: now.toISOString(),
    schema_version_hash: schema.version_hash,
  };
}

export function versionDoc(schema: StoredSchema, now: Date): VersionDoc {
  return {
    version_hash: schema.version_hash,
    schema_name: schema.name,
    version: schema.version,
    engine_version: schema.engine_version,
    inserted_at: now.toISOString(),
    schema: JSON.stringify(schema),
  };
}

export function stateDoc(state: PipelineState, loadId: string, now: Date): StateDoc {
  return {
    version: state._state_version,
    engine_version: state._state_engine_version,
    pipeline_name: state.pipeline_name,
    state: encodeState(state),
    created_at: now.toISOString(),
    version_hash: state._version_hash,
    _dlt_load_id: loadId,
  };
}

/** The first JSON document of a system file (dlt writes exactly one, without a newline). */
export function parseDoc<T>(text: string): T {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) throw new Error('empty system file');
  return JSON.parse(line) as T;
}

export function decodeStateDoc(doc: StateDoc): PipelineState {
  return JSON.parse(inflateSync(Buffer.from(doc.state, 'base64')).toString('utf8')) as PipelineState;
}
