import type { ColumnSchema } from '../../schema/schema-types.js';

/** dlt's type mapping for DuckDB (reference §9). */
export function duckdbType(column: ColumnSchema): string {
  switch (column.data_type) {
    case 'text':
      return 'VARCHAR';
    case 'double':
      return 'DOUBLE';
    case 'bool':
      return 'BOOLEAN';
    case 'bigint': {
      const bits = column.precision;
      if (bits === undefined) return 'BIGINT';
      if (bits <= 8) return 'TINYINT';
      if (bits <= 16) return 'SMALLINT';
      if (bits <= 32) return 'INTEGER';
      return bits <= 64 ? 'BIGINT' : 'HUGEINT';
    }
    case 'timestamp':
      return column.timezone === false ? timestampWithoutZone(column.precision) : 'TIMESTAMP WITH TIME ZONE';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'decimal':
      return `DECIMAL(${column.precision ?? 38},${column.scale ?? 9})`;
    case 'wei':
      return 'DECIMAL(38,0)';
    case 'json':
      return 'JSON';
    case 'binary':
      return 'BLOB';
    default:
      throw new Error(`column ${column.name} has no data type`);
  }
}

function timestampWithoutZone(precision: number | undefined): string {
  if (precision === undefined || precision === 6) return 'TIMESTAMP';
  if (precision === 0) return 'TIMESTAMP_S';
  if (precision <= 3) return 'TIMESTAMP_MS';
  return precision <= 6 ? 'TIMESTAMP' : 'TIMESTAMP_NS';
}
