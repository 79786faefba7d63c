import { createHash } from 'node:crypto';

/**
 * Where dlt's filesystem destination puts things, relative to the bucket URL (its default layout
 * `{table_name}/{load_id}.{file_id}.{ext}`):
 *
 * ```
 * <dataset>/init                                                  marks an initialized dataset
 * <dataset>/<table>/<load_id>.<file_id>.parquet|jsonl             data, one file per table per load
 * <dataset>/_dlt_loads/<schema>__<load_id>.jsonl                  one per completed load
 * <dataset>/_dlt_version/<schema>__<load_id>__<hash hex>.jsonl    one per stored schema version
 * <dataset>/_dlt_pipeline_state/<pipeline>__<load_id>__<hash hex>.jsonl
 * ```
 */
export const SEPARATOR = '__';

export const LOADS_FOLDER = '_dlt_loads';
export const VERSION_FOLDER = '_dlt_version';
export const STATE_FOLDER = '_dlt_pipeline_state';

export const tableFolder = (dataset: string, table: string) => `${dataset}/${table}/`;

export const initKey = (dataset: string) => `${dataset}/init`;

/**
 * dlt draws `file_id` at random; here it is a digest of load id and table, so a load that is
 * retried rewrites the same files instead of adding a second copy of its rows.
 */
export function fileId(loadId: string, table: string): string {
  return createHash('sha256').update(`${loadId}/${table}`).digest('hex').slice(0, 10);
}

export function dataFileKey(dataset: string, table: string, loadId: string, ext: string): string {
  return `${tableFolder(dataset, table)}${loadId}.${fileId(loadId, table)}.${ext}`;
}

/** dlt's `_to_path_safe_string`: the base64 version hash as hex. */
function hashHex(versionHash: string): string {
  const hex = Buffer.from(versionHash, 'base64').toString('hex');
  return hex === '' ? 'none' : hex;
}

export const loadsFileKey = (dataset: string, schemaName: string, loadId: string) =>
  `${tableFolder(dataset, LOADS_FOLDER)}${schemaName}${SEPARATOR}${loadId}.jsonl`;

export const versionFileKey = (dataset: string, schemaName: string, id: string, versionHash: string) =>
  `${tableFolder(dataset, VERSION_FOLDER)}${schemaName}${SEPARATOR}${id}${SEPARATOR}${hashHex(versionHash)}.jsonl`;

export const stateFileKey = (dataset: string, pipelineName: string, loadId: string, versionHash: string) =>
  `${tableFolder(dataset, STATE_FOLDER)}${pipelineName}${SEPARATOR}${loadId}${SEPARATOR}${hashHex(versionHash)}.jsonl`;

/** The parts of a system file name: `<name>__<load_id>[__<hash hex>].jsonl`, read from the right. */
export interface SystemFileName {
  key: string;
  /** Schema name (`_dlt_loads`, `_dlt_version`) or pipeline name (`_dlt_pipeline_state`). */
  name: string;
  loadId: string;
  hash: string | undefined;
}

export function parseSystemFileName(key: string, withHash: boolean): SystemFileName | undefined {
  const file = key.slice(key.lastIndexOf('/') + 1);
  if (!file.endsWith('.jsonl')) return undefined;
  const parts = file.slice(0, -'.jsonl'.length).split(SEPARATOR);
  const hash = withHash ? parts.pop() : undefined;
  const loadId = parts.pop();
  if (loadId === undefined || parts.length === 0 || (withHash && hash === undefined)) return undefined;
  return { key, name: parts.join(SEPARATOR), loadId, hash };
}

/** Whether a data file belongs to the given load (its name starts with `<load_id>.`). */
export function isFileOfLoad(key: string, loadId: string): boolean {
  return key.slice(key.lastIndexOf('/') + 1).startsWith(`${loadId}.`);
}

/** Load ids compare as numbers (`9.5` < `10.1`), as dlt compares them as floats. */
export function compareLoadIds(a: string, b: string): number {
  const [aSeconds = '', aFraction = ''] = a.split('.');
  const [bSeconds = '', bFraction = ''] = b.split('.');
  if (aSeconds.length !== bSeconds.length) return aSeconds.length - bSeconds.length;
  if (aSeconds !== bSeconds) return aSeconds < bSeconds ? -1 : 1;
  const width = Math.max(aFraction.length, bFraction.length);
  const x = aFraction.padEnd(width, '0');
  const y = bFraction.padEnd(width, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}
