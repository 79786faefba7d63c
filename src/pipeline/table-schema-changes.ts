import type { StoredSchema, TableSchema } from '../schema/schema-types.js';
import type { TableLines } from './normalize-worker-protocol.js';

/** A table's columns and their types, as one comparable string. */
function columnSignature(table: TableSchema): string {
  let signature = '';
  for (const column of Object.values(table.columns)) {
    if (column.data_type !== undefined) signature += `${column.name}\u0000${column.data_type}\u0000`;
  }
  return signature;
}

/**
 * Follows the columns of each table across a run's batches, so that the package writer knows
 * every column of a file it closes while the schema still evolves: a batch's lines carry their
 * table's schema when its columns or types changed since the table's last batch.
 */
export class TableSchemaChanges {
  readonly #signatures = new Map<string, string>();

  /** Sets `schema` (a copy) on the lines of each table whose columns changed. */
  attach(schema: StoredSchema, tables: TableLines[]): void {
    for (const entry of tables) {
      const table = schema.tables[entry.table];
      if (table === undefined) continue;
      const signature = columnSignature(table);
      if (this.#signatures.get(entry.table) === signature) continue;
      this.#signatures.set(entry.table, signature);
      entry.schema = structuredClone(table);
    }
  }
}
