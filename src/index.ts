export type { ApiKeyAuthConfig, AuthConfig } from './config/auth-schema.js';
export type {
  ClientConfig,
  ColumnHints,
  EndpointConfig,
  ResourceConfig,
  RestApiConfig,
} from './config/config-schema.js';
export { restApiConfigSchema } from './config/config-schema.js';
export { type LoadConfigOptions, loadConfigFile } from './config/load-config-file.js';
export { type ResourcePlan, type RestApiSource, restApiSource } from './config/rest-api-source.js';
export { redactUrl, secretRegistry } from './config/secret-registry.js';
export { resolveSecret, type Secrets, secrets } from './config/secrets.js';
export type { Destination, DestinationCapabilities, LoadResult } from './destinations/destination.js';
export { DuckDbDestination } from './destinations/duckdb/duckdb-destination.js';
export type {
  FilesystemOptions,
  LoaderFileFormat,
  S3Credentials,
} from './destinations/filesystem/filesystem-config.js';
export { FilesystemDestination } from './destinations/filesystem/filesystem-destination.js';
export type { PostgresCredentials } from './destinations/postgres/postgres-credentials.js';
export {
  PostgresDestination,
  type PostgresDestinationOptions,
} from './destinations/postgres/postgres-destination.js';
export { ConfigError, type ErrorCode, TributaryError } from './errors/tributary-error.js';
export {
  type DryRunColumn,
  type DryRunOptions,
  type DryRunReport,
  type DryRunResource,
  type DryRunTable,
  dryRun,
} from './pipeline/dry-run.js';
export type { TributaryEvent } from './pipeline/events.js';
export {
  type DropResult,
  dropPendingPackages,
  dropResources,
  type PendingPackage,
  type PipelineInfo,
  type PipelineTarget,
  pipelineInfo,
  pipelineTrace,
  type SyncResult,
  syncFromDestination,
} from './pipeline/pipeline-commands.js';
export type { RunTrace } from './pipeline/pipeline-trace.js';
export { type PipelineOptions, runPipeline } from './pipeline/run-pipeline.js';
export type { ReportedError, ResourceReport, ResourceTimings, RunReport } from './pipeline/run-report.js';
export { type RunReportFile, writeRunReport } from './pipeline/run-report-file.js';
export type { Runtime } from './runtime/runtime.js';
export type { ColumnSchema, DataType, StoredSchema, TableSchema } from './schema/schema-types.js';
