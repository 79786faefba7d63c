import { rowLines } from '../load/load-package.js';
import { isJsonObject, type JsonValue } from '../normalize/json-values.js';
import type { Naming } from '../normalize/naming.js';
import { C_DLT_ROOT_ID, type FlattenOptions, flattenRecord } from '../normalize/relational.js';
import { keyHashRowId, rowHashId } from '../normalize/row-ids.js';
import type { RowContext, SchemaEvolver } from '../schema/schema-evolver.js';
import { nestedOf } from '../schema/table-tree.js';
import type { TableLines, TablePlan } from './normalize-worker-protocol.js';

/** Rows of a batch of records, per table, in the order they came. */
export type TableRows = Map<string, Array<Record<string, unknown>>>;

/** Each table's rows as the JSON lines of the load package. */
export function tableLines(batches: TableRows): Array<TableLines & { lines: string }> {
  return [...batches].map(([table, rows]) => ({ table, lines: rowLines(rows), rows: rows.length }));
}

/** dlt propagates `_dlt_root_id` to nested tables for these merge strategies (reference §2.3). */
function needsRootKey(plan: TablePlan): boolean {
  return plan.writeDisposition === 'merge' && plan.mergeStrategy !== 'scd2';
}

function recordKey(record: JsonValue, primaryKey: string[], index: number): string {
  if (!isJsonObject(record) || primaryKey.length === 0) return `#${index + 1}`;
  return primaryKey.map((key) => `${key}=${String(record[key] ?? null)}`).join(', ');
}

/** Names a record in error messages; the text is built only when one is raised, not per record. */
class RecordContext implements RowContext {
  readonly resource: string;
  readonly #record: JsonValue;
  readonly #primaryKey: string[];
  readonly #index: number;

  constructor(resource: string, record: JsonValue, primaryKey: string[], index: number) {
    this.resource = resource;
    this.#record = record;
    this.#primaryKey = primaryKey;
    this.#index = index;
  }

  get recordKey(): string {
    return recordKey(this.#record, this.#primaryKey, this.#index);
  }
}

/**
 * Turns one resource's records into rows of its tables: flattened (dlt's relational normalizer),
 * coerced into the evolving schema, table by table.
 */
export class ResourceTableWriter {
  readonly table: string;
  readonly #plan: TablePlan;
  readonly #naming: Naming;
  readonly #evolver: SchemaEvolver;
  readonly #loadId: string;
  #records: number;
  /** Rows the schema contract discarded (with their nested rows). */
  discardedRows = 0;

  /** @param options.recordsBefore records of the resource normalized elsewhere (they number error messages). */
  constructor(
    plan: TablePlan,
    naming: Naming,
    evolver: SchemaEvolver,
    loadId: string,
    options: { recordsBefore?: number } = {},
  ) {
    this.#plan = plan;
    this.#naming = naming;
    this.#evolver = evolver;
    this.#loadId = loadId;
    this.#records = options.recordsBefore ?? 0;
    this.table = naming.normalizePath(plan.tableName);
    evolver.declareRootTable(this.table, {
      resource: plan.name,
      writeDisposition: plan.writeDisposition,
      mergeStrategy: plan.mergeStrategy,
      primaryKey: plan.primaryKey,
      mergeKey: plan.mergeKey,
      columns: plan.columns,
      contract: plan.contract,
    });
  }

  /** dlt's root row keys: key hash for upsert and insert-only, row hash for scd2, else random. */
  #rootId(): Pick<FlattenOptions, 'rootId'> {
    const plan = this.#plan;
    if (plan.writeDisposition !== 'merge') return {};
    if (plan.mergeStrategy === 'scd2') return { rootId: (_row, record) => rowHashId(record) };
    if (plan.mergeStrategy === 'upsert' || plan.mergeStrategy === 'insert-only') {
      const keys = plan.primaryKey.map((key) => this.#naming.normalizePath(key));
      return {
        rootId: (row) => keyHashRowId(Object.fromEntries(keys.map((key) => [key, row[key] ?? null]))),
      };
    }
    return {};
  }

  /**
   * Whether a nested table of this resource already has `_dlt_root_id`: dlt records the root key's
   * propagation in the schema when a merge first needs it and keeps propagating it to every nested
   * table after the resource switches to append or replace (the column stays NOT NULL).
   */
  #rootKeyInSchema(): boolean {
    const schema = this.#evolver.schema;
    return nestedOf(schema, this.table).some(
      (name) => schema.tables[name]?.columns[C_DLT_ROOT_ID] !== undefined,
    );
  }

  /** How every record of this resource is flattened; the same for all its records. */
  #flattenOptions(): FlattenOptions {
    const plan = this.#plan;
    const evolver = this.#evolver;
    return {
      ...this.#rootId(),
      table: this.table,
      naming: this.#naming,
      loadId: this.#loadId,
      rootKey: needsRootKey(plan) || this.#rootKeyInSchema(),
      isJsonColumn: (table, column) => evolver.schema.tables[table]?.columns[column]?.data_type === 'json',
      ...(plan.maxTableNesting === undefined ? {} : { maxNesting: plan.maxTableNesting }),
    };
  }

  /** The records' rows per table; the schema evolves with them. */
  rows(records: JsonValue[]): TableRows {
    const plan = this.#plan;
    const evolver = this.#evolver;
    const options = this.#flattenOptions();
    const batches: TableRows = new Map();
    records.forEach((record, index) => {
      const context = new RecordContext(plan.name, record, plan.primaryKey, this.#records + index);
      const rows = flattenRecord(record, options);
      // Rows come parent first; a row the contract discards takes its nested rows with it. Discards
      // are rare: the set is made for the first one.
      let discarded: Set<unknown> | undefined;
      for (const { table, parentTable, row } of rows) {
        const coerced = discarded?.has(row._dlt_parent_id)
          ? undefined
          : evolver.coerceRow(table, parentTable, row, context);
        if (coerced === undefined) {
          discarded ??= new Set();
          discarded.add(row._dlt_id);
          this.discardedRows++;
          continue;
        }
        const batch = batches.get(table);
        if (batch === undefined) batches.set(table, [coerced]);
        else batch.push(coerced);
      }
    });
    this.#records += records.length;
    return batches;
  }
}
