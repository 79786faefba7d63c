import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbType } from '../../src/destinations/duckdb/duckdb-types.js';
import { FilesystemDestination } from '../../src/destinations/filesystem/filesystem-destination.js';
import { completeColumns } from '../../src/destinations/sql/ddl.js';
import { qualified, quoteIdentifier, quoteLiteral } from '../../src/destinations/sql/sql-identifiers.js';
import { makeTempDir } from '../support/temp-dir.js';
import type { DestinationTarget, Row } from './destination-targets.js';
import { plain, uniqueDataset } from './destination-targets.js';
import { DUCKDB_TYPES } from './duckdb-column-types.js';

/**
 * The filesystem destination (a local folder, Parquet) for the shared destination suite. Its
 * tables are read through an in-memory DuckDB: each table folder becomes a view over its files
 * (`union_by_name`, as a reader of files from several loads must), and a table of the stored schema
 * that has no files (emptied by replace) becomes an empty table of its columns. Tests of merge and
 * of SQL statement faults do not apply to it (`capabilities.supportsMerge` is false).
 */
export const filesystemTarget: DestinationTarget = {
  name: 'filesystem',
  skipReason: undefined,
  types: DUCKDB_TYPES,
  async create() {
    const temp = await makeTempDir('tributary-matrix-');
    const lake = join(temp.dir, 'lake');
    const dataset = uniqueDataset();
    const destination = () => new FilesystemDestination({ bucketUrl: lake });

    /** Runs `read` against views of the dataset's current files. */
    async function withViews<T>(read: (sql: (text: string) => Promise<Row[]>) => Promise<T>): Promise<T> {
      const instance = await DuckDBInstance.create(':memory:');
      const db = await instance.connect();
      try {
        await db.run("SET TimeZone = 'UTC'");
        await db.run(`CREATE SCHEMA ${quoteIdentifier(dataset)}`);
        const folders = await readdir(join(lake, dataset), { withFileTypes: true }).catch(() => []);
        const withFiles = new Set<string>();
        for (const folder of folders.filter((f) => f.isDirectory())) {
          const files = (await readdir(join(lake, dataset, folder.name))).filter((f) => !f.startsWith('.'));
          const ext = files.some((f) => f.endsWith('.parquet')) ? 'parquet' : 'jsonl';
          if (!files.some((f) => f.endsWith(`.${ext}`))) continue;
          const glob = quoteLiteral(join(lake, dataset, folder.name, `*.${ext}`));
          const from =
            ext === 'parquet'
              ? `read_parquet(${glob}, union_by_name = true)`
              : `read_json(${glob}, format = 'newline_delimited', union_by_name = true)`;
          await db.run(`CREATE VIEW ${qualified(dataset, folder.name)} AS SELECT * FROM ${from}`);
          withFiles.add(folder.name);
        }
        const reader = destination();
        await reader.open();
        const schema = await reader.storedSchema(dataset, 'rest_api').finally(() => reader.close());
        for (const table of Object.values(schema?.tables ?? {})) {
          const columns = completeColumns(table);
          if (withFiles.has(table.name) || columns.length === 0) continue;
          const list = columns.map((c) => `${quoteIdentifier(c.name)} ${duckdbType(c)}`).join(', ');
          await db.run(`CREATE TABLE ${qualified(dataset, table.name)} (${list})`);
        }
        return await read(async (text) =>
          ((await db.runAndReadAll(text)).getRowObjectsJS() as Row[]).map((row) =>
            Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])),
          ),
        );
      } finally {
        db.closeSync();
        instance.closeSync();
      }
    }

    return {
      dataset,
      dir: temp.dir,
      destination,
      cliEnv: { DESTINATION__FILESYSTEM__BUCKET_URL: lake },
      table: (name) => qualified(dataset, name),
      query: (sql) => withViews((run) => run(sql)),
      columnTypes: (table) =>
        withViews(async (run) => {
          const rows = await run(
            `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ${quoteLiteral(dataset)} AND table_name = ${quoteLiteral(table)} ORDER BY ordinal_position`,
          );
          return Object.fromEntries(rows.map((r) => [r.column_name, String(r.data_type).toLowerCase()]));
        }),
      cleanup: temp.cleanup,
    };
  },
};
