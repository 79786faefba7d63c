import { z } from 'zod';
import { DETECTIONS } from '../normalize/type-inference.js';
import { CONTRACT_MODES } from '../schema/schema-contract.js';
import { DATA_TYPES, WRITE_DISPOSITIONS } from '../schema/schema-types.js';
import { authConfigSchema } from './auth-schema.js';
import { paginatorConfigSchema } from './paginator-schema.js';

/** Tributary extension: the retry policy of a client (dlt keeps it in `[runtime]` settings). */
export const retryConfigSchema = z.strictObject({
  max_retries: z.number().int().min(0).max(100).optional(),
  backoff_factor: z.number().min(0).optional(),
  max_delay: z.number().min(0).optional(),
  status_codes: z.array(z.number().int().min(100).max(599)).optional(),
  max_total_wait: z.number().min(0).optional(),
});

const keyList = z.union([z.string(), z.array(z.string())]);

const contractMode = z.enum(CONTRACT_MODES);
/** dlt's schema contract: one mode for all, or per entity (`tables`, `columns`, `data_type`). */
export const schemaContractSchema = z.union([
  contractMode,
  z.strictObject({
    tables: contractMode.optional(),
    columns: contractMode.optional(),
    data_type: contractMode.optional(),
  }),
]);

export const columnHintsSchema = z.strictObject({
  name: z.string().optional(),
  data_type: z.enum(DATA_TYPES).optional(),
  nullable: z.boolean().optional(),
  precision: z.number().int().positive().optional(),
  scale: z.number().int().nonnegative().optional(),
  timezone: z.boolean().optional(),
  description: z.string().optional(),
  primary_key: z.boolean().optional(),
  merge_key: z.boolean().optional(),
  unique: z.boolean().optional(),
  hard_delete: z.boolean().optional(),
  dedup_sort: z.enum(['asc', 'desc']).optional(),
  partition: z.boolean().optional(),
  cluster: z.boolean().optional(),
  sort: z.boolean().optional(),
});
export type ColumnHints = z.infer<typeof columnHintsSchema>;

const writeDispositionSchema = z.union([
  z.enum(WRITE_DISPOSITIONS),
  z.strictObject({
    disposition: z.enum(WRITE_DISPOSITIONS),
    strategy: z
      .enum(['delete-insert', 'upsert', 'scd2', 'insert-only', 'truncate-and-insert', 'insert-from-staging'])
      .optional(),
  }),
]);

/** A function, in TypeScript configs only (dlt's Python callables). */
const callable = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'expected a function (TypeScript configs only)',
});

export const incrementalConfigSchema = z.strictObject({
  cursor_path: z.string().min(1),
  initial_value: z.unknown().optional(),
  end_value: z.unknown().optional(),
  start_param: z.string().optional(),
  end_param: z.string().optional(),
  convert: callable.optional(),
  transform: callable.optional(),
  last_value_func: z.union([z.enum(['max', 'min']), callable]).optional(),
  primary_key: z.union([z.string(), z.array(z.string())]).optional(),
  row_order: z.enum(['asc', 'desc']).nullable().optional(),
  lag: z.number().optional(),
  on_cursor_value_missing: z.enum(['raise', 'include', 'exclude']).optional(),
  range_start: z.enum(['open', 'closed']).optional(),
  range_end: z.enum(['open', 'closed']).optional(),
  allow_external_schedulers: z.boolean().optional(),
});
export type IncrementalConfig = z.infer<typeof incrementalConfigSchema>;

const legacyIncrementalParam = incrementalConfigSchema
  .omit({ start_param: true, end_param: true, end_value: true })
  .extend({ type: z.literal('incremental') });

const responseActionSchema = z.union([
  callable,
  z.strictObject({
    status_code: z.number().int().optional(),
    content: z.string().optional(),
    action: z.union([z.literal('ignore'), callable, z.array(callable)]),
  }),
]);
export type ResponseActionConfig = z.infer<typeof responseActionSchema>;

const processingStepSchema = z.strictObject({
  filter: callable.optional(),
  map: callable.optional(),
  yield_map: callable.optional(),
});
export type ProcessingStepConfig = z.infer<typeof processingStepSchema>;

const resolveParam = z.strictObject({
  type: z.literal('resolve'),
  resource: z.string(),
  field: z.string(),
});
const paramValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
  resolveParam,
  legacyIncrementalParam,
]);

export const endpointConfigSchema = z.strictObject({
  path: z.string().optional(),
  method: z.enum(['GET', 'POST']).optional(),
  params: z.record(z.string(), paramValue).optional(),
  json: z.unknown().optional(),
  data: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  paginator: paginatorConfigSchema.nullable().optional(),
  data_selector: z.string().nullable().optional(),
  response_actions: z.array(responseActionSchema).optional(),
  incremental: incrementalConfigSchema.optional(),
  auth: authConfigSchema.nullable().optional(),
  /** Tributary extension: most pages of one walk of this endpoint; overrides `client.max_pages`. */
  max_pages: z.number().int().positive().optional(),
});
export type EndpointConfig = z.infer<typeof endpointConfigSchema>;

const resourceBaseShape = {
  endpoint: z.union([z.string(), endpointConfigSchema]).optional(),
  table_name: z.string().optional(),
  write_disposition: writeDispositionSchema.optional(),
  primary_key: keyList.optional(),
  merge_key: keyList.optional(),
  columns: z
    .union([z.record(z.string(), columnHintsSchema), z.array(columnHintsSchema.extend({ name: z.string() }))])
    .optional(),
  max_table_nesting: z.number().int().nonnegative().optional(),
  selected: z.boolean().optional(),
  include_from_parent: z.array(z.string()).optional(),
  processing_steps: z.array(processingStepSchema).optional(),
  schema_contract: schemaContractSchema.optional(),
  table_format: z.string().optional(),
  file_format: z.string().optional(),
  parallelized: z.boolean().optional(),
};

export const resourceDefaultsSchema = z.strictObject(resourceBaseShape);
export const resourceConfigSchema = z.strictObject({ name: z.string().min(1), ...resourceBaseShape });
export type ResourceConfig = z.infer<typeof resourceConfigSchema>;
export type ResourceDefaults = z.infer<typeof resourceDefaultsSchema>;

export const clientConfigSchema = z.strictObject({
  base_url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  auth: authConfigSchema.nullable().optional(),
  paginator: paginatorConfigSchema.nullable().optional(),
  retry: retryConfigSchema.optional(),
  timeout: z.number().positive().optional(),
  /** Tributary extension: most requests in flight per host (1 = dlt's sequential paging). */
  concurrency: z.number().int().min(1).max(256).optional(),
  /** Tributary extension: a cap on request starts per second, per host. */
  rate_limit: z.strictObject({ requests_per_second: z.number().positive().optional() }).optional(),
  /** Tributary extension: largest response body read, in bytes (default 256 MiB); larger fails. */
  max_response_bytes: z.number().int().positive().optional(),
  /** Tributary extension: most pages of one resource walk (default 1,000,000); more fails. */
  max_pages: z.number().int().positive().optional(),
});
export type ClientConfig = z.infer<typeof clientConfigSchema>;

/** The whole `rest_api_source` config, as dlt's `RESTAPIConfig`. */
/**
 * Tributary extension: the arguments dlt's `rest_api_source(config, name=…, max_table_nesting=…,
 * schema_contract=…)` takes beside the config, so a YAML config can set them too.
 */
export const sourceOptionsSchema = z.strictObject({
  name: z.string().min(1).optional(),
  max_table_nesting: z.number().int().nonnegative().optional(),
  schema_contract: schemaContractSchema.optional(),
  /** dlt's type detectors for new columns; default `[iso_timestamp]`. */
  detections: z.array(z.enum(DETECTIONS)).optional(),
});
export type SourceOptions = z.infer<typeof sourceOptionsSchema>;

export const restApiConfigSchema = z.strictObject({
  /** The JSON Schema a JSON config names for editors; ignored. */
  $schema: z.string().optional(),
  source: sourceOptionsSchema.optional(),
  client: clientConfigSchema,
  resource_defaults: resourceDefaultsSchema.optional(),
  resources: z.array(z.union([z.string().min(1), resourceConfigSchema])).min(1),
});
export type RestApiConfig = z.infer<typeof restApiConfigSchema>;
