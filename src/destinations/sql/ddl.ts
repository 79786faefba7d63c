import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import { qualified, quoteIdentifier } from './sql-identifiers.js';

/** Maps dlt types to a destination's SQL types. */
export type TypeMapper = (column: ColumnSchema) => string;

/** Columns with a data type, in order: only those exist in the destination (dlt §4.1). */
export function completeColumns(table: TableSchema): ColumnSchema[] {
  return Object.values(table.columns).filter((c) => c.data_type !== undefined);
}

/** `"name" TYPE [UNIQUE] [NOT NULL]`, as dlt writes column DDL. */
export function columnDefinition(column: ColumnSchema, mapType: TypeMapper, withUnique: boolean): string {
  const parts = [quoteIdentifier(column.name), mapType(column)];
  if (withUnique && column.unique) parts.push('UNIQUE');
  if (column.nullable === false) parts.push('NOT NULL');
  return parts.join(' ');
}

export function createTableSql(
  dataset: string,
  table: TableSchema,
  mapType: TypeMapper,
  withUnique: boolean,
): string {
  const columns = completeColumns(table).map((c) => columnDefinition(c, mapType, withUnique));
  return `CREATE TABLE IF NOT EXISTS ${qualified(dataset, table.name)} (\n  ${columns.join(',\n  ')}\n)`;
}

export function addColumnSql(
  dataset: string,
  table: string,
  column: ColumnSchema,
  mapType: TypeMapper,
): string {
  // New columns are always nullable: existing rows have no value for them.
  const definition = columnDefinition({ ...column, nullable: true }, mapType, false);
  return `ALTER TABLE ${qualified(dataset, table)} ADD COLUMN ${definition}`;
}
