import type { ColumnSchema, TableSchema } from '../../schema/schema-types.js';
import { completeColumns } from '../sql/ddl.js';
import { quoteIdentifier, quoteLiteral } from '../sql/sql-identifiers.js';

/**
 * DuckDB SQL that reads a package table's files (JSON lines) with `read_json`, each column in the
 * type `mapType` gives it. Binary travels as hex text in the package and is decoded here. Several
 * files are read as one list (DuckDB keeps the files' order when insertion order is preserved).
 */
export function packageFileSelect(
  table: TableSchema,
  files: readonly string[],
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
  const source = `[${files.map((f) => quoteLiteral(f)).join(', ')}]`;
  return `SELECT ${select} FROM read_json(${source}, format = 'newline_delimited', columns = {${columns}})`;
}
