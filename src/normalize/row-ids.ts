import { createHash, randomBytes } from 'node:crypto';
import { toCompactJson } from './compact-json.js';
import type { JsonObject } from './json-values.js';

/** dlt's `DLT_ID_LENGTH_BYTES`: every `_dlt_id` is 10 bytes, standard base64 without `=` (14 chars). */
export const ROW_ID_BYTES = 10;
/** Top-level keys with this prefix are dlt's own and are left out of the row hash. */
const DLT_NAME_PREFIX = '_dlt';

/** Base64 of 10 bytes without its `==` padding. */
const ROW_ID_CHARS = 14;

function digestRowId(text: string): string {
  // Asked for exactly 10 bytes and encoded by `digest('base64')` in native code: no Buffer is made
  // per row. Measured on Node 20 about 1.7 µs per id, against 3 µs for the one-shot `hash()`
  // (which builds a Hash object for shake128 anyway) followed by `Buffer#toString`.
  return createHash('shake128', { outputLength: ROW_ID_BYTES })
    .update(text)
    .digest('base64')
    .slice(0, ROW_ID_CHARS);
}

// One randomBytes call per row costs ~2.5µs; drawing from a pool of the same CSPRNG costs ~0.1µs.
const POOL_SIZE = ROW_ID_BYTES * 1024;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * A random row key for a root row (dlt's default for append, replace and delete-insert merge).
 * @example randomRowId() // e.g. 'xckkyP06CR5now'
 */
export function randomRowId(): string {
  if (poolOffset + ROW_ID_BYTES > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += ROW_ID_BYTES;
  // Encoded straight from the pool: no subarray view and no padding regex per row.
  return pool.toString('base64', poolOffset - ROW_ID_BYTES, poolOffset).slice(0, ROW_ID_CHARS);
}

/**
 * The deterministic `_dlt_id` of a nested row: shake_128 of `{parentId}_{table}_{listIdx}`.
 * @example childRowId('xckkyP06CR5now', 'dim_test__c2', 0) // 'DVp8ashfqPeSOA'
 */
export function childRowId(parentId: string, table: string, listIdx: number): string {
  return digestRowId(`${parentId}_${table}_${listIdx}`);
}

/**
 * The `_dlt_id` of a root row for merge `upsert`/`insert-only`: a hash of the primary-key values
 * (normalized column names → flattened values), as compact key-sorted JSON.
 * @example keyHashRowId({ id: 1 }) // 'z5jIxXIbUnmbKw'
 */
export function keyHashRowId(keyValues: Record<string, unknown>): string {
  return digestRowId(toCompactJson(keyValues, true));
}

/**
 * The `_dlt_id` of a root row for merge `scd2` with the default row version: a hash of the original
 * (unflattened) item without its top-level `_dlt…` keys, so a change anywhere in it is a new version.
 * @example rowHashId({ nk: 1, c1: 'foo', c2: { nc1: 'foo' } }) // 'OTPbGyxWlJzmpA'
 */
export function rowHashId(item: JsonObject): string {
  // A null prototype keeps a `__proto__` key an ordinary key.
  const hashed: JsonObject = Object.create(null);
  for (const [key, value] of Object.entries(item)) {
    if (!key.startsWith(DLT_NAME_PREFIX)) hashed[key] = value;
  }
  return digestRowId(toCompactJson(hashed, true));
}
