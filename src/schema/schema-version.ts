import { createHash } from 'node:crypto';
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

/** Canonical JSON: object keys sorted, so the hash does not depend on insertion order of hints. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The content hash of a schema: sha256 over its canonical JSON, then every table name with its
 * column names in order (column order is part of a table's identity, as in dlt).
 */
export function schemaContentHash(schema: StoredSchema): string {
  const hash = createHash('sha256');
  hash.update(canonical({ name: schema.name, engine_version: schema.engine_version, tables: schema.tables }));
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
