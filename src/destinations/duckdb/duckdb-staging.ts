import type { TableSchema } from '../../schema/schema-types.js';
import { completeColumns } from '../sql/ddl.js';
import { qualified, quoteIdentifier, stagingDataset } from '../sql/sql-identifiers.js';
import { duckdbType } from './duckdb-types.js';
import { packageFileSelect } from './package-file-select.js';

type Run = (sql: string) => Promise<void>;

interface StagedTable {
  /** Column name → DuckDB type, as the staging table has them. */
  columns: Map<string, string>;
  files: Set<string>;
}

/** Every staged column is still there with the same type (a column widened to double is not). */
function compatible(staged: Map<string, string>, columns: Map<string, string>): boolean {
  for (const [name, type] of staged) if (columns.get(name) !== type) return false;
  return true;
}

/**
 * The staging tables of one load in `<dataset>_staging`, filled from the package's files in the
 * files' order, so that a staged row's `rowid` is its position in the load. Files can be staged
 * while the package is still written (each file with the table's schema as it was then) and the
 * rest when the load runs: columns that appeared since are added, and a table whose staged
 * columns changed type is read again from its first file.
 */
export class DuckDbStaging {
  readonly loadId: string;
  readonly dataset: string;
  readonly #tables = new Map<string, StagedTable>();

  constructor(loadId: string, dataset: string) {
    this.loadId = loadId;
    this.dataset = dataset;
  }

  /** Whether some of the table's files are staged. */
  has(table: string): boolean {
    return this.#tables.has(table);
  }

  /**
   * Stages the table's files (in order) that are not staged yet; `file` names a file in the
   * package (as its manifest does), `path` is where it is now.
   */
  async stage(
    run: Run,
    table: TableSchema,
    files: ReadonlyArray<{ file: string; path: string }>,
  ): Promise<void> {
    const target = qualified(stagingDataset(this.dataset), table.name);
    const columns = new Map(completeColumns(table).map((c) => [c.name, duckdbType(c)]));
    let staged = this.#tables.get(table.name);
    if (staged !== undefined && !compatible(staged.columns, columns)) {
      await run(`DROP TABLE ${target}`);
      this.#tables.delete(table.name);
      staged = undefined;
    }
    for (const { file, path } of files) {
      if (staged?.files.has(file)) continue;
      const select = packageFileSelect(table, path, duckdbType);
      if (staged === undefined) {
        await run(`CREATE OR REPLACE TABLE ${target} AS ${select}`);
        staged = { columns: new Map(columns), files: new Set([file]) };
        this.#tables.set(table.name, staged);
        continue;
      }
      for (const [name, type] of columns) {
        if (staged.columns.has(name)) continue;
        await run(`ALTER TABLE ${target} ADD COLUMN ${quoteIdentifier(name)} ${type}`);
        staged.columns.set(name, type);
      }
      await run(`INSERT INTO ${target} BY NAME ${select}`);
      staged.files.add(file);
    }
  }
}
