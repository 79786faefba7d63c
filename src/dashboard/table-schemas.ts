import { SYSTEM_TABLES } from '../destinations/sql/system-tables.js';
import { readLocalState } from '../load/pipeline-state.js';
import { localSchemaNames } from '../pipeline/pipeline-info.js';
import { readLocalSchema } from '../pipeline/pipeline-session.js';
import type { ColumnSchema, StoredSchema, TableSchema } from '../schema/schema-types.js';
import type { DbColumn } from './dataset-queries.js';

const HINTS = [
  'primary_key',
  'merge_key',
  'unique',
  'row_key',
  'parent_key',
  'root_key',
  'hard_delete',
  'variant',
] as const satisfies ReadonlyArray<keyof ColumnSchema>;

/** A column as the page shows it: the stored schema's type and hints beside the database's type. */
export interface ColumnView {
  name: string;
  /** dlt's data type from the stored schema; null for a column the schema does not know. */
  dataType: string | null;
  dbType: string | null;
  nullable: boolean;
  hints: string[];
}

export interface TableView {
  name: string;
  rows: number;
  schemaName: string | null;
  parent: string | null;
  resource: string | null;
  writeDisposition: string | null;
  columns: ColumnView[];
}

/** The working folder's schemas (those of its state too), read leniently. */
export async function localSchemas(workingDir: string): Promise<StoredSchema[]> {
  const state = await readLocalState(workingDir);
  const names = new Set([
    ...(await localSchemaNames(workingDir)),
    ...(state ? [state.default_schema_name, ...state.schema_names] : []),
  ]);
  const schemas: StoredSchema[] = [];
  for (const name of [...names].filter((n) => n !== '').sort()) {
    const schema = await readLocalSchema(workingDir, name);
    if (schema) schemas.push(schema);
  }
  return schemas;
}

/** Per schema name the newer of the local and the destination's copy (as a run picks it). */
export function newestSchemas(...lists: StoredSchema[][]): StoredSchema[] {
  const newest = new Map<string, StoredSchema>();
  for (const schema of lists.flat()) {
    const known = newest.get(schema.name);
    if (known === undefined || schema.version > known.version) newest.set(schema.name, schema);
  }
  return [...newest.values()];
}

function findTable(
  schemas: StoredSchema[],
  name: string,
): { schema: string | null; table: TableSchema } | undefined {
  for (const schema of schemas) {
    const table = schema.tables[name];
    if (table) return { schema: schema.name, table };
  }
  // dlt's own tables (`_dlt_loads`, …) are not in a source's schema; their columns are fixed.
  const system = SYSTEM_TABLES.find((t) => t.name === name);
  return system ? { schema: null, table: system } : undefined;
}

/**
 * A table of the dataset with its columns: those of the database in its order, each with the
 * stored schema's data type, nullability and hints where the schema has it; columns the schema has
 * but the database lacks (never loaded) are left out, since the page shows what landed.
 */
export function tableView(
  name: string,
  rows: number,
  dbColumns: DbColumn[],
  schemas: StoredSchema[],
): TableView {
  const found = findTable(schemas, name);
  const stored = found?.table.columns ?? {};
  return {
    name,
    rows,
    schemaName: found?.schema ?? null,
    parent: found?.table.parent ?? null,
    resource: found?.table.resource ?? null,
    writeDisposition: found?.table.write_disposition ?? null,
    columns: dbColumns.map((column) => {
      const known = stored[column.name];
      return {
        name: column.name,
        dataType: known?.data_type ?? null,
        dbType: column.dbType,
        nullable: known?.nullable ?? column.nullable,
        hints: known ? HINTS.filter((hint) => known[hint] === true) : [],
      };
    }),
  };
}

/**
 * Columns that give pages a stable order: the primary key, else dlt's row key `_dlt_id`, else the
 * first column.
 */
export function orderColumns(view: TableView): string[] {
  const keys = view.columns.filter((c) => c.hints.includes('primary_key')).map((c) => c.name);
  if (keys.length > 0) return keys;
  if (view.columns.some((c) => c.name === '_dlt_id')) return ['_dlt_id'];
  return view.columns.slice(0, 1).map((c) => c.name);
}
