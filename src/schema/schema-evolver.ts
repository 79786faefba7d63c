import type { ColumnHints } from '../config/config-schema.js';
import { TributaryError } from '../errors/tributary-error.js';
import { coerceValue } from '../normalize/coercion.js';
import type { Naming } from '../normalize/naming.js';
import { inferDataType } from '../normalize/type-inference.js';
import type { ColumnSchema, DataType, StoredSchema, TableSchema, WriteDisposition } from './schema-types.js';
import { SYSTEM_COLUMNS } from './system-columns.js';

/** What a resource says about its root table. */
export interface RootTableHints {
  resource: string;
  writeDisposition: WriteDisposition;
  mergeStrategy: TableSchema['x-merge-strategy'];
  primaryKey: string[];
  mergeKey: string[];
  columns: Record<string, ColumnHints>;
}

/** Identifies the record a row came from, for error messages. */
export interface RowContext {
  resource: string;
  recordKey: string;
}

const HINT_KEYS = [
  'data_type',
  'nullable',
  'precision',
  'scale',
  'timezone',
  'description',
  'primary_key',
  'merge_key',
  'unique',
  'hard_delete',
  'dedup_sort',
] as const;

function hintsToColumn(name: string, hints: ColumnHints): ColumnSchema {
  const column: ColumnSchema = { name };
  for (const key of HINT_KEYS) {
    if (hints[key] !== undefined) (column as unknown as Record<string, unknown>)[key] = hints[key];
  }
  return column;
}

/**
 * Grows the schema as rows arrive and coerces each value to its column's type (reference §3–4):
 * new tables and columns are added, a value that does not fit goes to a variant column
 * `col__v_<type>`, and a whole-number column that meets a fraction is widened to `double` (where
 * dlt would make a variant; see docs/dlt-compatibility.md). Hinted columns come first.
 */
export class SchemaEvolver {
  readonly schema: StoredSchema;
  readonly #naming: Naming;
  /** Hinted columns without a data type wait here until data gives them one. */
  readonly #pendingHints = new Map<string, Map<string, ColumnSchema>>();

  constructor(schema: StoredSchema, naming: Naming) {
    this.schema = schema;
    this.#naming = naming;
  }

  /** Declares a resource's root table with its disposition and column hints. */
  declareRootTable(table: string, hints: RootTableHints): void {
    const existing = this.schema.tables[table];
    const schemaTable: TableSchema = existing ?? { name: table, columns: {} };
    schemaTable.write_disposition = hints.writeDisposition;
    schemaTable.resource = hints.resource;
    if (hints.mergeStrategy) schemaTable['x-merge-strategy'] = hints.mergeStrategy;
    const pending = new Map<string, ColumnSchema>();
    const declared = new Map<string, ColumnSchema>();
    for (const [rawName, columnHints] of Object.entries(hints.columns)) {
      const name = this.#naming.normalizePath(columnHints.name ?? rawName);
      declared.set(name, hintsToColumn(name, columnHints));
    }
    for (const [keys, flag] of [
      [hints.primaryKey, 'primary_key'],
      [hints.mergeKey, 'merge_key'],
    ] as const) {
      for (const rawName of keys) {
        const name = this.#naming.normalizePath(rawName);
        const column = declared.get(name) ?? { name };
        column[flag] = true;
        column.nullable = false;
        declared.set(name, column);
      }
    }
    for (const [name, column] of declared) {
      const current = schemaTable.columns[name];
      const merged: ColumnSchema = { ...current, ...column };
      const dataType = column.data_type ?? current?.data_type;
      if (dataType === undefined) pending.set(name, merged);
      else schemaTable.columns[name] = { ...merged, data_type: dataType };
    }
    this.schema.tables[table] = schemaTable;
    this.#pendingHints.set(table, pending);
  }

  #table(name: string, parent: string | undefined): TableSchema {
    let table = this.schema.tables[name];
    if (table === undefined) {
      table = { name, columns: {} };
      if (parent !== undefined) table.parent = parent;
      this.schema.tables[name] = table;
    }
    return table;
  }

  /** Coerces one normalized row into its table, growing the schema; returns the stored values. */
  coerceRow(
    tableName: string,
    parent: string | undefined,
    row: Record<string, unknown>,
    context: RowContext,
  ): Record<string, unknown> {
    const table = this.#table(tableName, parent);
    table['x-normalizer'] = { 'seen-data': true };
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) {
      let column = table.columns[name];
      if (value === null || value === undefined) {
        if (column?.nullable === false || this.#pendingHints.get(tableName)?.get(name)?.nullable === false) {
          throw nullViolation(context, tableName, name);
        }
        continue;
      }
      if (column === undefined) column = this.#newColumn(table, name, value);
      const target = column.data_type as DataType;
      const coerced = coerceValue(value, target);
      if (coerced.ok) {
        out[name] = coerced.value;
        continue;
      }
      const valueType = inferDataType(value);
      if (target === 'bigint' && valueType === 'double') {
        column.data_type = 'double';
        out[name] = (coerceValue(value, 'double') as { ok: true; value: unknown }).value;
        continue;
      }
      const variant = this.#variantColumn(table, name, valueType ?? 'text');
      const stored = coerceValue(value, variant.data_type as DataType);
      if (!stored.ok) {
        throw new TributaryError(
          'SCHEMA_VIOLATION',
          `resource ${context.resource}, record ${context.recordKey}: column ${tableName}.${name} cannot store the value`,
          { context: { resource: context.resource, table: tableName, column: name } },
        );
      }
      out[variant.name] = stored.value;
    }
    return out;
  }

  #newColumn(table: TableSchema, name: string, value: unknown): ColumnSchema {
    const system = SYSTEM_COLUMNS[name];
    const pending = this.#pendingHints.get(table.name)?.get(name);
    const column: ColumnSchema = system
      ? { name, ...system }
      : { name, data_type: inferDataType(value) ?? 'text', nullable: true, ...pending };
    if (pending) {
      column.data_type = inferDataType(value) ?? 'text';
      this.#pendingHints.get(table.name)?.delete(name);
    }
    table.columns[name] = column;
    return column;
  }

  #variantColumn(table: TableSchema, name: string, type: DataType): ColumnSchema {
    const variantName = this.#naming.shortenFragments(name, `v_${type}`);
    table.columns[variantName] ??= { name: variantName, data_type: type, nullable: true, variant: true };
    return table.columns[variantName];
  }
}

function nullViolation(context: RowContext, table: string, column: string): TributaryError {
  return new TributaryError(
    'SCHEMA_VIOLATION',
    `resource ${context.resource}, record ${context.recordKey}: column ${table}.${column} is null but declared not nullable`,
    { context: { resource: context.resource, table, column } },
  );
}
