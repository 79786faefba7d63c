/** A double-quoted SQL identifier (dlt always quotes). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** dlt's staging dataset name: `<dataset>_staging`. */
export function stagingDataset(dataset: string): string {
  return `${dataset}_staging`;
}
