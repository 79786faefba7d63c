import type { ResourcePlan, RestApiSource } from '../config/rest-api-source.js';
import type { HttpClient } from '../extract/http/http-client.js';
import { paginateResource } from '../extract/paginate-resource.js';
import type { LoadPackageWriter } from '../load/load-package.js';
import { isJsonObject, type JsonValue } from '../normalize/json-values.js';
import type { Naming } from '../normalize/naming.js';
import { flattenRecord } from '../normalize/relational.js';
import type { Runtime } from '../runtime/runtime.js';
import type { RowContext, SchemaEvolver } from '../schema/schema-evolver.js';

/** dlt propagates `_dlt_root_id` to nested tables for these merge strategies (reference §2.3). */
function needsRootKey(plan: ResourcePlan): boolean {
  return plan.writeDisposition === 'merge' && plan.mergeStrategy !== 'scd2';
}

function recordKey(record: JsonValue, primaryKey: string[], index: number): string {
  if (!isJsonObject(record) || primaryKey.length === 0) return `#${index + 1}`;
  return primaryKey.map((key) => `${key}=${String(record[key] ?? null)}`).join(', ');
}

export interface ExtractContext {
  source: RestApiSource;
  http: HttpClient;
  runtime: Runtime;
  naming: Naming;
  evolver: SchemaEvolver;
  writer: LoadPackageWriter;
}

/**
 * Extracts one resource page by page, normalizes each record into rows of its tables, coerces
 * them into the schema and appends them to the load package. Memory holds one page at a time.
 * Returns the root table's name.
 */
export async function extractResource(plan: ResourcePlan, ctx: ExtractContext): Promise<string> {
  const { naming, evolver, writer, runtime } = ctx;
  const table = naming.normalizePath(plan.tableName);
  evolver.declareRootTable(table, {
    resource: plan.name,
    writeDisposition: plan.writeDisposition,
    mergeStrategy: plan.mergeStrategy,
    primaryKey: plan.primaryKey,
    mergeKey: plan.mergeKey,
    columns: plan.columns,
  });
  const rootKey = needsRootKey(plan);
  const isJsonColumn = (tableName: string, column: string) =>
    evolver.schema.tables[tableName]?.columns[column]?.data_type === 'json';
  runtime.emit({ type: 'resource_started', resource: plan.name });
  let records = 0;
  let pages = 0;
  let stopReason: string | undefined;
  for await (const page of paginateResource(plan, ctx.source.client, ctx.http, runtime)) {
    const batches = new Map<string, Array<Record<string, unknown>>>();
    page.records.forEach((record, index) => {
      const context: RowContext = {
        resource: plan.name,
        recordKey: recordKey(record, plan.primaryKey, records + index),
      };
      const rows = flattenRecord(record, {
        table,
        naming,
        loadId: writer.loadId,
        rootKey,
        isJsonColumn,
        ...(plan.maxTableNesting === undefined ? {} : { maxNesting: plan.maxTableNesting }),
      });
      for (const { table: rowTable, parentTable, row } of rows) {
        const coerced = evolver.coerceRow(rowTable, parentTable, row, context);
        const batch = batches.get(rowTable);
        if (batch === undefined) batches.set(rowTable, [coerced]);
        else batch.push(coerced);
      }
    });
    for (const [rowTable, rows] of batches) await writer.write(rowTable, rows);
    records += page.records.length;
    pages = page.pageNumber;
    stopReason = page.stopReason;
    runtime.emit({
      type: 'page',
      resource: plan.name,
      page: pages,
      records: page.records.length,
      totalRecords: records,
    });
  }
  runtime.emit({ type: 'resource_finished', resource: plan.name, pages, records, stopReason });
  return table;
}
