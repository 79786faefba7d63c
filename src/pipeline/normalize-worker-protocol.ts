import type { ResourcePlan } from '../config/rest-api-source.js';
import { ConfigError, type ErrorCode, type ErrorContext, TributaryError } from '../errors/tributary-error.js';
import type { JsonBodyText } from '../extract/http/json-body.js';
import type { Detection } from '../normalize/type-inference.js';
import type { StoredSchema, TableSchema } from '../schema/schema-types.js';

/** Messages between the pipeline and its normalize worker (a worker thread). */

/** What normalizing a resource's records needs of its plan: plain data, no callbacks. */
const TABLE_PLAN_KEYS = [
  'name',
  'tableName',
  'writeDisposition',
  'mergeStrategy',
  'primaryKey',
  'mergeKey',
  'columns',
  'maxTableNesting',
  'contract',
] as const satisfies ReadonlyArray<keyof ResourcePlan>;

export type TablePlan = Pick<ResourcePlan, (typeof TABLE_PLAN_KEYS)[number]>;

export function tablePlan(plan: ResourcePlan): TablePlan {
  return Object.fromEntries(TABLE_PLAN_KEYS.map((key) => [key, plan[key]])) as TablePlan;
}

/**
 * Records as JSON text; `exact` when it holds bigints or integral doubles (read with our parser).
 * With a `selector`, the text is a whole page and the records are what the selector picks of it.
 */
export interface RecordsText extends JsonBodyText {
  selector?: string;
}

/** The normalizer's state when the worker takes over from the pipeline's own thread. */
export interface HandOver {
  loadId: string;
  maxIdentifierLength: number | undefined;
  detections: Detection[];
  /** The schema as evolved so far in this run. */
  schema: StoredSchema;
  /** Tables that had seen data before this run (contracts treat the others as new). */
  baseline: string[];
  resources: Array<{ plan: TablePlan; recordsBefore: number }>;
}

/**
 * One table's rows of a batch, as the JSON lines of the load package: text, or (from the worker)
 * its UTF-8 bytes, handed over without a copy and written as they are.
 */
export interface TableLines {
  table: string;
  lines: string | Uint8Array;
  rows: number;
  /** The table's schema after these rows, when its columns changed since its last batch. */
  schema?: TableSchema;
}

export interface TransferredError {
  name: string;
  message: string;
  stack: string | undefined;
  code: ErrorCode | undefined;
  retryable: boolean;
  context: ErrorContext | undefined;
}

export type ToWorker =
  | { type: 'hand-over'; state: HandOver }
  | { type: 'records'; id: number; resource: string; records: RecordsText }
  | { type: 'finish' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'normalized'; id: number; tables: TableLines[]; normalizeMs: number }
  | { type: 'failed'; error: TransferredError }
  | { type: 'finished'; schema: StoredSchema; discarded: Record<string, number> };

export function transferError(error: unknown): TransferredError {
  if (error instanceof TributaryError) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: error.code,
      retryable: error.retryable,
      context: error.context,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    name: 'Error',
    message,
    stack: error instanceof Error ? error.stack : undefined,
    code: undefined,
    retryable: false,
    context: undefined,
  };
}

/** The error again on the pipeline's side: a TributaryError keeps its code, context and retryability. */
export function receiveError(transferred: TransferredError): Error {
  const error =
    transferred.code === undefined
      ? new Error(transferred.message)
      : transferred.name === 'ConfigError'
        ? new ConfigError(transferred.message)
        : new TributaryError(transferred.code, transferred.message, {
            retryable: transferred.retryable,
            ...(transferred.context ? { context: transferred.context } : {}),
          });
  if (transferred.stack !== undefined) error.stack = transferred.stack;
  return error;
}
