import { TributaryError } from '../../errors/tributary-error.js';
import type { ColumnSchema } from '../../schema/schema-types.js';

/**
 * dlt's type mapping for Postgres (reference §9).
 * @example postgresType({ name: 'amount', data_type: 'decimal', precision: 10, scale: 2 }) // 'numeric(10,2)'
 */
export function postgresType(column: ColumnSchema): string {
  switch (column.data_type) {
    case 'text':
      return column.precision === undefined ? 'varchar' : `varchar(${column.precision})`;
    case 'double':
      return 'double precision';
    case 'bool':
      return 'boolean';
    case 'bigint':
      return integerType(column);
    case 'timestamp': {
      const zone = column.timezone === false ? 'without time zone' : 'with time zone';
      return column.precision === undefined ? `timestamp ${zone}` : `timestamp (${column.precision}) ${zone}`;
    }
    case 'date':
      return 'date';
    case 'time':
      return column.precision === undefined
        ? 'time without time zone'
        : `time (${column.precision}) without time zone`;
    case 'decimal':
      return `numeric(${column.precision ?? 38},${column.scale ?? 9})`;
    case 'wei':
      return 'numeric(156,78)';
    case 'json':
      return 'jsonb';
    case 'binary':
      return 'bytea';
    default:
      throw new Error(`column ${column.name} has no data type`);
  }
}

/** Precision is in bits, as in dlt: ≤16 smallint, ≤32 integer, ≤64 bigint; wider has no Postgres integer. */
function integerType(column: ColumnSchema): string {
  const bits = column.precision;
  if (bits === undefined) return 'bigint';
  if (bits <= 16) return 'smallint';
  if (bits <= 32) return 'integer';
  if (bits <= 64) return 'bigint';
  throw new TributaryError(
    'SCHEMA_VIOLATION',
    `column ${column.name}: bigint with ${bits} bits precision has no Postgres integer type; use data_type decimal or wei`,
    { context: { column: column.name } },
  );
}
