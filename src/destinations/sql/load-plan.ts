import type { LoadPackage } from '../../load/load-package.js';
import { encodeState } from '../../load/pipeline-state.js';
import { randomRowId } from '../../normalize/row-ids.js';
import type { StoredSchema, TableSchema } from '../../schema/schema-types.js';
import { addColumnSql, completeColumns, createTableSql, type TypeMapper } from './ddl.js';
import { dispositionStatements, type TableChain } from './disposition-sql.js';
import { qualified, quoteIdentifier, stagingDataset } from './sql-identifiers.js';
import { LOADS_TABLE, STATE_TABLE, SYSTEM_TABLES, VERSION_TABLE } from './system-tables.js';

/** What differs between SQL destinations; the rest of the load SQL is shared. */
export interface SqlDialect {
  mapType: TypeMapper;
  /** Emit `UNIQUE` for unique columns (dlt's `create_indexes`: Postgres yes, DuckDB no). */
  withUnique: boolean;
  createTemp(name: string, select: string): string;
  widenToDouble(dataset: string, table: string, column: string): string;
  /** Names longer than this are shortened with dlt's tag (the staging dataset's); default: never. */
  maxIdentifierLength?: number;
  /** `MERGE INTO` is available (Postgres ≥ 15, DuckDB ≥ 1.4); default true. */
  mergeInto?: boolean;
  /** A staged row's position in the load (see `DispositionSqlContext.sequence`). */
  stagingSequence?: string;
  /** See `DispositionSqlContext.notAmongIds`; default `NOT EXISTS`, which Postgres plans as an anti-join. */
  notAmongIds?(column: string, ids: string): string;
}

const notExistsIn = (column: string, ids: string) =>
  `NOT EXISTS (SELECT 1 FROM ${ids} AS x WHERE x.${quoteIdentifier('_dlt_id')} = ${column})`;

export interface Statement {
  sql: string;
  params?: unknown[];
}

function seenTables(schema: StoredSchema): TableSchema[] {
  return Object.values(schema.tables).filter(
    (t) => t['x-normalizer']?.['seen-data'] === true && completeColumns(t).length > 0,
  );
}

/**
 * DDL that brings the dataset to the schema: system tables, new tables, new columns (dlt diffs
 * only new tables and columns against the information schema), and bigint columns widened to
 * double. `existing` maps table → column → SQL type as the destination reports them.
 */
export function syncTableStatements(
  schema: StoredSchema,
  dataset: string,
  existing: Map<string, Map<string, string>>,
  dialect: SqlDialect,
): string[] {
  const statements: string[] = [];
  for (const table of [...SYSTEM_TABLES, ...seenTables(schema)]) {
    const columns = existing.get(table.name);
    if (columns === undefined) {
      statements.push(createTableSql(dataset, table, dialect.mapType, dialect.withUnique));
      continue;
    }
    for (const column of completeColumns(table)) {
      const type = columns.get(column.name);
      if (type === undefined) statements.push(addColumnSql(dataset, table.name, column, dialect.mapType));
      else if (column.data_type === 'double' && /^(BIGINT|bigint)$/.test(type)) {
        statements.push(dialect.widenToDouble(dataset, table.name, column.name));
      }
    }
  }
  return statements;
}

/** Every nested table below `root` that has seen data, parents before children. */
function nestedTables(schema: StoredSchema, root: string): TableSchema[] {
  const out: TableSchema[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const table of seenTables(schema)) {
      if (table.parent === parent) {
        out.push(table);
        queue.push(table.name);
      }
    }
  }
  return out;
}

/** The SQL of one load after its staging tables are filled, and the tables it reads only once. */
export interface LoadPlan {
  statements: Statement[];
  /**
   * Tables of the package that the statements read once, in one `INSERT … SELECT` whose result does
   * not depend on the rows' load order (every table of append and replace, the nested tables of a
   * delete-insert merge): a destination may read them straight from the package file (a view
   * over it) instead of staging a copy.
   */
  readOnce: ReadonlySet<string>;
}

/**
 * The statements of one load after the staging tables are filled: each root's disposition SQL,
 * the schema version (if new), the state row (if changed) and last the `_dlt_loads` row.
 */
export function planLoadStatements(
  pkg: LoadPackage,
  dataset: string,
  existing: Map<string, Map<string, string>>,
  dialect: SqlDialect,
  tempId: string,
): LoadPlan {
  const { schema, manifest } = pkg;
  const staged = new Set(manifest.tables.map((t) => t.name));
  const readOnce = new Set<string>();
  const statements: Statement[] = (manifest.dropTables ?? []).map((table) => ({
    sql: `DROP TABLE IF EXISTS ${qualified(dataset, table)}`,
  }));
  let tempCount = 0;
  for (const rootName of manifest.rootTables) {
    const root = schema.tables[rootName];
    if (root === undefined || (!staged.has(rootName) && root.write_disposition !== 'replace')) continue;
    // A replace resource that brought nothing still clears what exists (dlt's test_replace_table_clearing).
    const chain: TableChain = {
      root,
      nested: nestedTables(schema, rootName).filter((t) => staged.has(t.name) || existing.has(t.name)),
      staged,
    };
    if (!existing.has(rootName) && !staged.has(rootName)) continue;
    const plan = dispositionStatements(chain, {
      dataset,
      staging: stagingDataset(dataset, dialect.maxIdentifierLength),
      createTemp: dialect.createTemp,
      notAmongIds: dialect.notAmongIds ?? notExistsIn,
      mergeInto: dialect.mergeInto ?? true,
      ...(dialect.stagingSequence === undefined ? {} : { sequence: dialect.stagingSequence }),
      tempName: (base) => `${rootName}_${base}_${tempId}_${tempCount++}`.slice(-63),
      boundary: manifest.createdAt,
    });
    statements.push(...plan.statements.map((sql) => ({ sql })));
    for (const table of plan.readOnce) readOnce.add(table.name);
  }
  const version = qualified(dataset, VERSION_TABLE.name);
  // Keyed by hash and version, as dlt does since dlt-hub/dlt#1063: after `pipeline drop`, a re-run
  // can bring the content (hash) of an older version back under a new version number, and that one
  // must be stored, or the destination's newest schema would stay the one without the tables.
  // Parameters are cast: Postgres cannot type a parameter that only appears in a SELECT list.
  statements.push({
    sql: `INSERT INTO ${version} (version, engine_version, inserted_at, schema_name, version_hash, "schema") SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS TIMESTAMP WITH TIME ZONE), CAST($4 AS VARCHAR), CAST($5 AS VARCHAR), CAST($6 AS VARCHAR) WHERE NOT EXISTS (SELECT 1 FROM ${version} WHERE version_hash = CAST($5 AS VARCHAR) AND version = CAST($1 AS BIGINT))`,
    params: [
      schema.version,
      schema.engine_version,
      new Date().toISOString(),
      schema.name,
      schema.version_hash,
      JSON.stringify(schema),
    ],
  });
  if (manifest.state !== undefined) {
    const state = manifest.state;
    statements.push({
      sql: `INSERT INTO ${qualified(dataset, STATE_TABLE.name)} (version, engine_version, pipeline_name, state, created_at, version_hash, _dlt_load_id, _dlt_id) VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP WITH TIME ZONE), $6, $7, $8)`,
      params: [
        state._state_version,
        state._state_engine_version,
        state.pipeline_name,
        encodeState(state),
        new Date().toISOString(),
        state._version_hash,
        manifest.loadId,
        randomRowId(),
      ],
    });
  }
  statements.push({
    sql: `INSERT INTO ${qualified(dataset, LOADS_TABLE.name)} (load_id, schema_name, status, inserted_at, schema_version_hash) VALUES ($1, $2, 0, CAST($3 AS TIMESTAMP WITH TIME ZONE), $4)`,
    params: [manifest.loadId, manifest.schemaName, new Date().toISOString(), schema.version_hash],
  });
  return { statements, readOnce };
}
