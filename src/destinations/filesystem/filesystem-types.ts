import type { ColumnSchema } from '../../schema/schema-types.js';
import { duckdbType } from '../duckdb/duckdb-types.js';

/**
 * The DuckDB type a column has in a Parquet file, which DuckDB maps to Parquet's: DuckDB's own
 * mapping except for integers wider than 64 bits, which Parquet cannot hold as integers (DuckDB
 * would write them as DOUBLE, losing digits): they become `DECIMAL(38,0)`, as dlt's Arrow writer
 * does.
 */
export function parquetColumnType(column: ColumnSchema): string {
  if (column.data_type === 'bigint' && column.precision !== undefined && column.precision > 64) {
    return 'DECIMAL(38,0)';
  }
  return duckdbType(column);
}
