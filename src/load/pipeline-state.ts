import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { canonicalJson } from '../normalize/exact-json.js';

/** The pipeline state as dlt keeps it (reference §6.3); `sources` holds incremental cursors. */
export interface PipelineState {
  _state_version: number;
  _state_engine_version: number;
  _version_hash: string;
  pipeline_name: string;
  dataset_name: string;
  default_schema_name: string;
  schema_names: string[];
  destination_type: string;
  destination_name: string;
  sources: Record<string, unknown>;
}

export const STATE_ENGINE_VERSION = 4;

/** sha3-256 of the state without its version fields, as dlt hashes it. */
export function stateHash(state: PipelineState): string {
  const { _state_version, _version_hash, ...content } = state;
  return createHash('sha3-256').update(canonicalJson(content)).digest('base64');
}

/** `state` column of `_dlt_pipeline_state`: base64 of zlib (level 9) of the JSON. */
export function encodeState(state: PipelineState): string {
  return deflateSync(Buffer.from(JSON.stringify(state), 'utf8'), { level: 9 }).toString('base64');
}

/**
 * The state for this run: the previous one with the run's facts, its version bumped only when the
 * content changed. Returns `changed` so that a state row is written only then (as dlt does).
 */
export function nextState(
  previous: PipelineState | undefined,
  facts: Omit<PipelineState, '_state_version' | '_state_engine_version' | '_version_hash'>,
): { state: PipelineState; changed: boolean } {
  const draft: PipelineState = {
    _state_version: previous?._state_version ?? 0,
    _state_engine_version: STATE_ENGINE_VERSION,
    _version_hash: previous?._version_hash ?? '',
    ...facts,
  };
  const hash = stateHash(draft);
  if (previous !== undefined && hash === previous._version_hash) return { state: previous, changed: false };
  return {
    state: { ...draft, _state_version: draft._state_version + 1, _version_hash: hash },
    changed: true,
  };
}

export async function readLocalState(workingDir: string): Promise<PipelineState | undefined> {
  try {
    return JSON.parse(await readFile(join(workingDir, 'state.json'), 'utf8')) as PipelineState;
  } catch {
    return undefined;
  }
}

/** Saved with a temp name and a rename, so a crash never leaves half a file. */
export async function writeLocalState(workingDir: string, state: PipelineState): Promise<void> {
  await mkdir(workingDir, { recursive: true });
  const temp = join(workingDir, 'state.json.tmp');
  await writeFile(temp, JSON.stringify(state, null, 2));
  await rename(temp, join(workingDir, 'state.json'));
}
