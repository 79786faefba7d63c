import type { PaginatorConfig } from '../config/paginator-schema.js';
import type { ResourcePlan, RestApiSource } from '../config/rest-api-source.js';
import type { StoredSchema } from '../schema/schema-types.js';

/** A column as the dry run infers it from the first pages. */
export interface DryRunColumn {
  name: string;
  /** Undefined for a hinted column no value has typed yet. */
  dataType: string | undefined;
  nullable: boolean;
  /** `primary_key`, `merge_key`, `unique`, … as set on the column. */
  hints: string[];
}

export interface DryRunTable {
  name: string;
  /** The table of the parent row, for a nested table. */
  parent: string | undefined;
  resource: string | undefined;
  /** Rows the first pages gave this table. */
  rows: number;
  columns: DryRunColumn[];
}

const HINTS = ['primary_key', 'merge_key', 'unique', 'row_key', 'parent_key', 'root_key'] as const;

/** The tables and columns an evolved schema holds, in schema order, with the rows each received. */
export function inferredTables(schema: StoredSchema, rows: Record<string, number>): DryRunTable[] {
  return Object.values(schema.tables).map((table) => ({
    name: table.name,
    parent: table.parent,
    resource: table.resource,
    rows: rows[table.name] ?? 0,
    columns: Object.values(table.columns).map((column) => ({
      name: column.name,
      dataType: column.data_type,
      nullable: column.nullable !== false,
      hints: HINTS.filter((hint) => column[hint] === true),
    })),
  }));
}

const isAuto = (config: PaginatorConfig | null | undefined): boolean =>
  config === null ||
  config === undefined ||
  config === 'auto' ||
  (typeof config === 'object' && ((config as { type?: string }).type ?? 'auto') === 'auto');

/** A paginator config in a line: `offset (limit: 100, total_path: "total")`. */
export function describePaginatorConfig(config: PaginatorConfig): string {
  if (typeof config === 'string') return config;
  const { type, ...rest } = config as { type?: string } & Record<string, unknown>;
  const settings = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return settings.length > 0 ? `${type} (${settings.join(', ')})` : String(type);
}

/** The paginator config in force for a resource (endpoint's, else client's), or undefined: detect. */
export function configuredPaginator(plan: ResourcePlan, source: RestApiSource): PaginatorConfig | undefined {
  if (!isAuto(plan.endpoint.paginator)) return plan.endpoint.paginator ?? undefined;
  if (!isAuto(source.client.paginator)) return source.client.paginator ?? undefined;
  return undefined;
}
