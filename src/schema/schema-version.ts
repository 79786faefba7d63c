import { createHash } from 'node:crypto';
import { canonicalJson } from '../normalize/exact-json.js';
import type { StoredSchema } from './schema-types.js';

export const SCHEMA_ENGINE_VERSION = 11;

export function emptySchema(name: string): StoredSchema {
  return {
    name,
    version: 0,
    version_hash: '',
    engine_version: SCHEMA_ENGINE_VERSION,
    tables: {},
    previous_hashes: [],
  };
}

/**
 * The content hash of a schema: sha256 over its canonical JSON, then every table name with its
 * column names in order (column order is part of a table's identity, as in dlt).
 */
export function schemaContentHash(schema: StoredSchema): string {
  const hash = createHash('sha256');
  hash.update(
    canonicalJson({ name: schema.name, engine_version: schema.engine_version, tables: schema.tables }),
  );
  for (const name of Object.keys(schema.tables).sort()) {
    hash.update(name);
    for (const column of Object.keys(schema.tables[name]?.columns ?? {})) hash.update(column);
  }
  return hash.digest('base64');
}

/** Bumps `version` and records the previous hash when the content changed. Returns whether it did. */
export function bumpSchemaVersion(schema: StoredSchema): boolean {
  const hash = schemaContentHash(schema);
  if (hash === schema.version_hash) return false;
  if (schema.version_hash)
    schema.previous_hashes = [schema.version_hash, ...schema.previous_hashes].slice(0, 10);
  schema.version += 1;
  schema.version_hash = hash;
  return true;
}
