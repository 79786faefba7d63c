import { shortenIdentifier } from '../../normalize/naming.js';

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

/**
 * dlt's staging dataset name: `<dataset>_staging`, shortened with dlt's tag past the destination's
 * identifier limit (Postgres would cut a longer name to 63 bytes, which can be the dataset itself).
 */
export function stagingDataset(dataset: string, maxIdentifierLength?: number): string {
  const name = `${dataset}_staging`;
  return shortenIdentifier(name, name, maxIdentifierLength);
}
