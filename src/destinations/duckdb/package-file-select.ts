import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import { completeColumns } from '../sql/ddl.js';
import { quoteIdentifier, quoteLiteral } from '../sql/sql-identifiers.js';

/**
 * DuckDB SQL that reads one package table file (JSON lines) with `read_json`, each column in the
 * type `mapType` gives it. Binary travels as hex text in the package and is decoded here.
 */
export function packageFileSelect(
  table: TableSchema,
  file: string,
  mapType: (column: ColumnSchema) => string,
): string {
  const complete = completeColumns(table);
  const columns = complete
    .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.data_type === 'binary' ? 'VARCHAR' : mapType(c))}`)
    .join(', ');
  const select = complete
    .map((c) =>
      c.data_type === 'binary'
        ? `unhex(${quoteIdentifier(c.name)}) AS ${quoteIdentifier(c.name)}`
        : quoteIdentifier(c.name),
    )
    .join(', ');
  return `SELECT ${select} FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = {${columns}})`;
}
