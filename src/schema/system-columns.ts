import type { ColumnSchema } from './schema-types.js';

/** dlt's system columns and their default hints (reference §2.3, §3.6). */
export const SYSTEM_COLUMNS: Record<string, Omit<ColumnSchema, 'name'>> = {
  _dlt_load_id: { data_type: 'text', nullable: false },
  _dlt_id: { data_type: 'text', nullable: false, unique: true, row_key: true },
  _dlt_parent_id: { data_type: 'text', nullable: false, parent_key: true },
  _dlt_list_idx: { data_type: 'bigint', nullable: false },
  _dlt_root_id: { data_type: 'text', nullable: false, root_key: true },
};

export function isSystemColumn(name: string): boolean {
  return name in SYSTEM_COLUMNS;
}
