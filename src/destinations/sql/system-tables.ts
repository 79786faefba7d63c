import type { TableSchema } from '../../schema/schema-types.js';

/** dlt's `_dlt_loads` (reference §6.2); one row per completed load, status 0. */
export const LOADS_TABLE: TableSchema = {
  name: '_dlt_loads',
  write_disposition: 'skip',
  columns: {
    load_id: { name: 'load_id', data_type: 'text', nullable: false, precision: 64 },
    schema_name: { name: 'schema_name', data_type: 'text', nullable: true },
    status: { name: 'status', data_type: 'bigint', nullable: false },
    inserted_at: { name: 'inserted_at', data_type: 'timestamp', nullable: false },
    schema_version_hash: { name: 'schema_version_hash', data_type: 'text', nullable: true },
  },
};

/** dlt's `_dlt_version` (reference §4.5); one row per stored schema version. */
export const VERSION_TABLE: TableSchema = {
  name: '_dlt_version',
  write_disposition: 'skip',
  columns: {
    version: { name: 'version', data_type: 'bigint', nullable: false },
    engine_version: { name: 'engine_version', data_type: 'bigint', nullable: false },
    inserted_at: { name: 'inserted_at', data_type: 'timestamp', nullable: false },
    schema_name: { name: 'schema_name', data_type: 'text', nullable: false },
    version_hash: { name: 'version_hash', data_type: 'text', nullable: false },
    schema: { name: 'schema', data_type: 'text', nullable: false },
  },
};

/** dlt's `_dlt_pipeline_state` (reference §6.3), append-only. */
export const STATE_TABLE: TableSchema = {
  name: '_dlt_pipeline_state',
  write_disposition: 'append',
  columns: {
    version: { name: 'version', data_type: 'bigint', nullable: false },
    engine_version: { name: 'engine_version', data_type: 'bigint', nullable: false },
    pipeline_name: { name: 'pipeline_name', data_type: 'text', nullable: false },
    state: { name: 'state', data_type: 'text', nullable: false },
    created_at: { name: 'created_at', data_type: 'timestamp', nullable: false },
    version_hash: { name: 'version_hash', data_type: 'text', nullable: true },
    _dlt_load_id: { name: '_dlt_load_id', data_type: 'text', nullable: false, precision: 64 },
    _dlt_id: { name: '_dlt_id', data_type: 'text', nullable: false, unique: true, row_key: true },
  },
};

export const SYSTEM_TABLES = [VERSION_TABLE, LOADS_TABLE, STATE_TABLE];
