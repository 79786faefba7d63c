import type { ColumnHints } from '../config/config-schema.js';
import { TributaryError } from '../errors/tributary-error.js';
import { coercedOrUndefined, coerceValue } from '../normalize/coercion.js';
import type { Naming } from '../normalize/naming.js';
import {
  DEFAULT_DETECTIONS,
  type Detection,
  inferDataType,
  valueDataType,
} from '../normalize/type-inference.js';
import {
  type ContractEntity,
  type ContractMode,
  type ContractVerdict,
  contractVerdict,
  EVOLVE_ALL,
  type SchemaContract,
} from './schema-contract.js';
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
  contract?: SchemaContract;
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
  readonly #contracts = new Map<string, SchemaContract>();
  /** Tables that had data before this run: only they are bound by the schema contract. */
  readonly #baseline: Set<string>;
  /** Per root table, the columns declared not nullable, and why (a key, or a hint). */
  readonly #required = new Map<string, Map<string, RequiredReason>>();

  readonly #detections: readonly Detection[];
  /** Tables this evolver has stored a row into, and so marked as having seen data. */
  readonly #marked = new WeakSet<TableSchema>();

  /**
   * @param options.baseline the tables that had data before this run, when `schema` already grew
   *   in it (a normalize worker taking over mid-run); by default those of `schema` that saw data.
   */
  constructor(
    schema: StoredSchema,
    naming: Naming,
    detections: readonly Detection[] = DEFAULT_DETECTIONS,
    options: { baseline?: Iterable<string> } = {},
  ) {
    this.schema = schema;
    this.#naming = naming;
    this.#detections = detections;
    this.#baseline = new Set(
      options.baseline ??
        Object.values(schema.tables)
          .filter((t) => t['x-normalizer']?.['seen-data'] === true)
          .map((t) => t.name),
    );
  }

  /** The tables that had data before this run (see the constructor's `baseline`). */
  baselineTables(): string[] {
    return [...this.#baseline];
  }

  /** Declares a resource's root table with its disposition and column hints. */
  declareRootTable(table: string, hints: RootTableHints): void {
    const existing = this.schema.tables[table];
    const schemaTable: TableSchema = existing ?? { name: table, columns: {} };
    schemaTable.write_disposition = hints.writeDisposition;
    this.#contracts.set(table, hints.contract ?? EVOLVE_ALL);
    schemaTable.resource = hints.resource;
    if (hints.mergeStrategy) schemaTable['x-merge-strategy'] = hints.mergeStrategy;
    const pending = new Map<string, ColumnSchema>();
    const declared = new Map<string, ColumnSchema>();
    for (const [rawName, columnHints] of Object.entries(hints.columns)) {
      const name = this.#naming.normalizePath(columnHints.name ?? rawName);
      const column = hintsToColumn(name, columnHints);
      // Key columns are never nullable, whether the key comes from the resource or a column hint.
      if (column.primary_key || column.merge_key) column.nullable = false;
      declared.set(name, column);
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
    const required = new Map<string, RequiredReason>();
    for (const [name, column] of declared) {
      if (column.nullable === false) {
        const key = column.primary_key ? 'primary key' : column.merge_key ? 'merge key' : undefined;
        required.set(name, { key, merge: hints.writeDisposition === 'merge' });
      }
      const current = schemaTable.columns[name];
      const merged: ColumnSchema = { ...current, ...column };
      const dataType = column.data_type ?? current?.data_type;
      if (dataType === undefined) pending.set(name, merged);
      else schemaTable.columns[name] = { ...merged, data_type: dataType };
    }
    this.schema.tables[table] = schemaTable;
    this.#pendingHints.set(table, pending);
    this.#required.set(table, required);
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

  /** The contract of a table: its root table's (nested tables inherit it, as in dlt). */
  #contractOf(tableName: string, parent: string | undefined): SchemaContract {
    let name: string | undefined = tableName;
    let next: string | undefined = this.schema.tables[tableName]?.parent ?? parent;
    while (next !== undefined) {
      name = next;
      next = this.schema.tables[next]?.parent;
    }
    return this.#contracts.get(name) ?? EVOLVE_ALL;
  }

  /**
   * Coerces one normalized row into its table, growing the schema; returns the stored values, or
   * undefined when the schema contract discards the row. Nothing in the schema changes for a row
   * that is discarded or refused.
   */
  coerceRow(
    tableName: string,
    parent: string | undefined,
    row: Record<string, unknown>,
    context: RowContext,
  ): Record<string, unknown> | undefined {
    const contract = this.#contractOf(tableName, parent);
    const settled = this.#baseline.has(tableName);
    if (!settled && verdictOn(contract.tables, 'tables', context, tableName) !== 'accept') {
      return undefined;
    }
    const required = this.#required.get(tableName);
    if (required) {
      // A record without a key cannot be matched by a merge: fail instead of loading a NULL key.
      for (const [name, reason] of required) {
        if (!(name in row)) throw nullViolation(context, tableName, name, reason, 'is missing');
      }
    }
    const existing = this.schema.tables[tableName]?.columns ?? {};
    const out: Record<string, unknown> = {};
    const changes: Array<() => void> = [];
    const allowed = (entity: 'columns' | 'data_type', column: string): ContractVerdict =>
      !settled || column.startsWith('_dlt')
        ? 'accept'
        : verdictOn(contract[entity], entity, context, tableName, column);
    // Keys, not entries: no [name, value] pair is allocated per value.
    for (const name of Object.keys(row)) {
      const value = row[name];
      const column = existing[name];
      if (value === null || value === undefined) {
        if (column?.nullable === false || this.#pendingHints.get(tableName)?.get(name)?.nullable === false) {
          throw nullViolation(context, tableName, name, required?.get(name), 'is null');
        }
        continue;
      }
      if (column === undefined) {
        const verdict = allowed('columns', name);
        if (verdict === 'discard_row') return undefined;
        if (verdict === 'discard_value') continue;
        const created = this.#columnFor(tableName, name, value);
        const coerced = coerceValue(value, created.data_type as DataType);
        changes.push(() => this.#addColumn(tableName, parent, created));
        out[name] = coerced.ok ? coerced.value : value;
        continue;
      }
      const target = column.data_type as DataType;
      const coerced = coercedOrUndefined(value, target);
      if (coerced !== undefined && fitsColumn(coerced, target)) {
        out[name] = coerced;
        continue;
      }
      const verdict = allowed('data_type', name);
      if (verdict === 'discard_row') return undefined;
      if (verdict === 'discard_value') continue;
      // An integer too wide for bigint takes the wide type a new column would get (wei, or text).
      const valueType =
        (typeof value === 'bigint' ? inferDataType(value, []) : valueDataType(value)) ?? 'text';
      if (target === 'bigint' && valueType === 'double') {
        changes.push(() => {
          column.data_type = 'double';
        });
        out[name] = (coerceValue(value, 'double') as { ok: true; value: unknown }).value;
        continue;
      }
      const variantName = this.#naming.shortenFragments(name, `v_${valueType}`);
      const variant = existing[variantName] ?? {
        name: variantName,
        data_type: valueType,
        nullable: true,
        variant: true,
      };
      const stored = coerceValue(value, variant.data_type as DataType);
      if (!stored.ok) {
        throw new TributaryError(
          'SCHEMA_VIOLATION',
          `resource ${context.resource}, record ${context.recordKey}: column ${tableName}.${name} cannot store the value`,
          { context: { resource: context.resource, table: tableName, column: name } },
        );
      }
      if (existing[variantName] === undefined)
        changes.push(() => this.#addColumn(tableName, parent, variant));
      out[variantName] = stored.value;
    }
    const table = this.#table(tableName, parent);
    // Marked by the first row this evolver stores, not replaced per row (garbage for nothing).
    if (!this.#marked.has(table)) {
      table['x-normalizer'] = { 'seen-data': true };
      this.#marked.add(table);
    }
    for (const change of changes) change();
    if (table['x-merge-strategy'] === 'scd2' && table.parent === undefined) this.#addValidityColumns(table);
    return out;
  }

  /** The column a first value creates: system hints, or the value's type with any waiting hints. */
  #columnFor(tableName: string, name: string, value: unknown): ColumnSchema {
    const system = SYSTEM_COLUMNS[name];
    if (system) return { name, ...system };
    const pending = this.#pendingHints.get(tableName)?.get(name);
    return { name, nullable: true, ...pending, data_type: inferDataType(value, this.#detections) ?? 'text' };
  }

  /**
   * scd2 tables get `_dlt_valid_from` / `_dlt_valid_to` (filled by the load, not by rows) after the
   * first row's columns; their `_dlt_id` is a row hash, so it is not unique across versions.
   */
  #addValidityColumns(table: TableSchema): void {
    table.columns._dlt_valid_from ??= { name: '_dlt_valid_from', data_type: 'timestamp', nullable: true };
    table.columns._dlt_valid_to ??= { name: '_dlt_valid_to', data_type: 'timestamp', nullable: true };
    const rowKey = table.columns._dlt_id;
    if (rowKey) {
      rowKey.unique = false;
      rowKey.row_key = false;
    }
  }

  #addColumn(tableName: string, parent: string | undefined, column: ColumnSchema): void {
    const table = this.#table(tableName, parent);
    // Two rows of one page may both bring a new column; the first one defines it.
    table.columns[column.name] ??= column;
    this.#pendingHints.get(tableName)?.delete(column.name);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Whether the destination column can hold a coerced value: dlt's coercion accepts any integer for bigint
 * (Python ints), but a BIGINT column has 64 bits — beyond that the value goes to a variant column
 * instead of failing the load.
 */
function fitsColumn(coerced: unknown, type: DataType): boolean {
  if (type !== 'bigint' || typeof coerced !== 'bigint') return true;
  return coerced >= INT64_MIN && coerced <= INT64_MAX;
}

/**
 * The contract's verdict on a change. The record is named (which builds its key text) only for a
 * contract other than `evolve`: with the default contract nothing is built per row.
 */
function verdictOn(
  mode: ContractMode,
  entity: ContractEntity,
  context: RowContext,
  table: string,
  column?: string,
): ContractVerdict {
  if (mode === 'evolve') return 'accept';
  const where = { resource: context.resource, recordKey: context.recordKey, table };
  return contractVerdict(mode, entity, column === undefined ? where : { ...where, column });
}

/** Why a column must have a value: it is (part of) a key, and whether a merge relies on it. */
interface RequiredReason {
  key: 'primary key' | 'merge key' | undefined;
  merge: boolean;
}

function nullViolation(
  context: RowContext,
  table: string,
  column: string,
  reason: RequiredReason | undefined,
  problem: 'is null' | 'is missing',
): TributaryError {
  const key = reason?.key
    ? ` (${reason.key})${reason.merge ? '; a merge cannot match a row without it' : ''}`
    : '';
  return new TributaryError(
    'SCHEMA_VIOLATION',
    `resource ${context.resource}, record ${context.recordKey}: column ${table}.${column} ${problem} but declared not nullable${key}`,
    { context: { resource: context.resource, table, column } },
  );
}
