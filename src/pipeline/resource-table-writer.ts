import type { ResourcePlan } from '../config/rest-api-source.js';
import type { LoadPackageWriter } from '../load/load-package.js';
import { isJsonObject, type JsonValue } from '../normalize/json-values.js';
import type { Naming } from '../normalize/naming.js';
import { type FlattenOptions, flattenRecord } from '../normalize/relational.js';
import { keyHashRowId, rowHashId } from '../normalize/row-ids.js';
import type { RowContext, SchemaEvolver } from '../schema/schema-evolver.js';

/** Where rows go: the load package, or (dry run) a counter in memory. */
export type RowSink = Pick<LoadPackageWriter, 'loadId' | 'write'>;

/** dlt propagates `_dlt_root_id` to nested tables for these merge strategies (reference §2.3). */
function needsRootKey(plan: ResourcePlan): boolean {
  return plan.writeDisposition === 'merge' && plan.mergeStrategy !== 'scd2';
}

function recordKey(record: JsonValue, primaryKey: string[], index: number): string {
  if (!isJsonObject(record) || primaryKey.length === 0) return `#${index + 1}`;
  return primaryKey.map((key) => `${key}=${String(record[key] ?? null)}`).join(', ');
}

/**
 * Turns one resource's records into rows of its tables: flattened (dlt's relational normalizer),
 * coerced into the evolving schema, appended to the load package table by table.
 */
export class ResourceTableWriter {
  readonly table: string;
  readonly #plan: ResourcePlan;
  readonly #naming: Naming;
  readonly #evolver: SchemaEvolver;
  readonly #writer: RowSink;
  #records = 0;
  /** Rows the schema contract discarded (with their nested rows). */
  discardedRows = 0;

  constructor(plan: ResourcePlan, naming: Naming, evolver: SchemaEvolver, writer: RowSink) {
    this.#plan = plan;
    this.#naming = naming;
    this.#evolver = evolver;
    this.#writer = writer;
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

  /** Writes the records' rows; returns how many rows (all tables) went into the package. */
  async write(records: JsonValue[]): Promise<number> {
    const plan = this.#plan;
    const evolver = this.#evolver;
    const isJsonColumn = (table: string, column: string) =>
      evolver.schema.tables[table]?.columns[column]?.data_type === 'json';
    const batches = new Map<string, Array<Record<string, unknown>>>();
    records.forEach((record, index) => {
      const context: RowContext = {
        resource: plan.name,
        recordKey: recordKey(record, plan.primaryKey, this.#records + index),
      };
      const rows = flattenRecord(record, {
        ...this.#rootId(),
        table: this.table,
        naming: this.#naming,
        loadId: this.#writer.loadId,
        rootKey: needsRootKey(plan),
        isJsonColumn,
        ...(plan.maxTableNesting === undefined ? {} : { maxNesting: plan.maxTableNesting }),
      });
      // Rows come parent first; a row the contract discards takes its nested rows with it.
      const discarded = new Set<unknown>();
      for (const { table, parentTable, row } of rows) {
        const coerced = discarded.has(row._dlt_parent_id)
          ? undefined
          : evolver.coerceRow(table, parentTable, row, context);
        if (coerced === undefined) {
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
    let written = 0;
    for (const [table, rows] of batches) {
      await this.#writer.write(table, rows);
      written += rows.length;
    }
    return written;
  }
}
