/** dlt's data types (schema engine 11). */
export const DATA_TYPES = [
  'text',
  'double',
  'bool',
  'timestamp',
  'bigint',
  'binary',
  'json',
  'decimal',
  'wei',
  'date',
  'time',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

export const WRITE_DISPOSITIONS = ['append', 'replace', 'merge', 'skip'] as const;
export type WriteDisposition = (typeof WRITE_DISPOSITIONS)[number];

/** A column as dlt stores it in its schema (`TColumnSchema`). */
export interface ColumnSchema {
  name: string;
  data_type?: DataType;
  nullable?: boolean;
  precision?: number;
  scale?: number;
  timezone?: boolean;
  variant?: boolean;
  description?: string;
  primary_key?: boolean;
  merge_key?: boolean;
  unique?: boolean;
  row_key?: boolean;
  parent_key?: boolean;
  root_key?: boolean;
  hard_delete?: boolean;
  dedup_sort?: 'asc' | 'desc';
}

/** A table of the schema. Column order is the insertion order of `columns`. */
export interface TableSchema {
  name: string;
  columns: Record<string, ColumnSchema>;
  write_disposition?: WriteDisposition;
  /** Name of the parent table for nested (child) tables. */
  parent?: string;
  resource?: string;
  'x-normalizer'?: { 'seen-data'?: boolean };
  'x-merge-strategy'?: 'delete-insert' | 'upsert' | 'scd2' | 'insert-only';
}

/** The stored schema (a subset of dlt's engine-11 schema document). */
export interface StoredSchema {
  name: string;
  version: number;
  version_hash: string;
  engine_version: number;
  tables: Record<string, TableSchema>;
  previous_hashes: string[];
}
