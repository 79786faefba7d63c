import type { StoredSchema, TableSchema } from './schema-types.js';

/** The root table of `name`, following `parent` links. */
export function rootOf(schema: StoredSchema, name: string): TableSchema | undefined {
  let table = schema.tables[name];
  while (table?.parent !== undefined) table = schema.tables[table.parent];
  return table;
}

/** Every table below `root` in the schema (nested at any depth). */
export function nestedOf(schema: StoredSchema, root: string): string[] {
  return Object.values(schema.tables)
    .filter((t) => t.name !== root && rootOf(schema, t.name)?.name === root)
    .map((t) => t.name);
}
