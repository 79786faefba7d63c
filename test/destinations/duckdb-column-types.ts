import type { DataType } from '../../src/schema/schema-types.js';

/** How DuckDB's information_schema names dlt's types (also what files read through DuckDB show). */
export const DUCKDB_TYPES: Readonly<Record<DataType, string>> = {
  text: 'varchar',
  double: 'double',
  bool: 'boolean',
  timestamp: 'timestamp with time zone',
  bigint: 'bigint',
  binary: 'blob',
  json: 'json',
  decimal: 'decimal(38,9)',
  wei: 'decimal(38,0)',
  date: 'date',
  time: 'time',
};
