import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import type { TableSchema } from '../../schema/schema-types.js';
import { packageFileSelect } from '../duckdb/package-file-select.js';
import { completeColumns } from '../sql/ddl.js';
import { quoteLiteral } from '../sql/sql-identifiers.js';
import type { LoaderFileFormat } from './filesystem-config.js';
import { parquetColumnType } from './filesystem-types.js';

/**
 * Parquet through DuckDB: the package's JSON lines are read with `read_json` and the table's column
 * types (as the DuckDB destination reads them; binary travels as hex text and is unhexed), then
 * written with `COPY … TO … (FORMAT parquet)`. Columns in schema order, snappy-compressed.
 */
async function writeParquet(db: DuckDBConnection, sources: string[], table: TableSchema, target: string) {
  await db.run(
    `COPY (${packageFileSelect(table, sources, parquetColumnType)}) TO ${quoteLiteral(target)} (FORMAT parquet)`,
  );
}

/**
 * JSON lines as the package holds them (dlt's JSONL: ISO dates, exact numbers, nested JSON as
 * objects). Only binary values change, from the package's hex to base64 as dlt's JSON encoder
 * writes bytes; numbers keep their exact text through a lossless parse.
 */
async function writeJsonl(sources: string[], table: TableSchema, target: string) {
  const binary = completeColumns(table)
    .filter((c) => c.data_type === 'binary')
    .map((c) => c.name);
  if (binary.length === 0 && sources.length === 1) {
    await copyFile(sources[0] as string, target);
    return;
  }
  const out = createWriteStream(target);
  const finished = new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.once('finish', resolve);
  });
  for (const source of sources) {
    if (binary.length === 0) await pipeline(createReadStream(source), out, { end: false });
    else await writeUnhexedLines(source, binary, out);
  }
  out.end();
  await finished;
}

/** A package file's lines with the binary columns' hex turned into base64. */
async function writeUnhexedLines(source: string, binary: string[], out: WriteStream): Promise<void> {
  for await (const line of createInterface({ input: createReadStream(source), crlfDelay: Infinity })) {
    if (line === '') continue;
    const row = parseLossless(line) as Record<string, unknown>;
    for (const name of binary) {
      const value = row[name];
      if (typeof value === 'string') row[name] = Buffer.from(value, 'hex').toString('base64');
    }
    if (!out.write(`${stringifyLossless(row)}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
}

/** Writes one table's rows of a package (its JSON-lines files, in order) at `target` in the chosen format. */
export function writeTableFile(
  db: DuckDBConnection,
  sources: string[],
  table: TableSchema,
  target: string,
  format: LoaderFileFormat,
): Promise<void> {
  switch (format) {
    case 'parquet':
      return writeParquet(db, sources, table, target);
    case 'jsonl':
      return writeJsonl(sources, table, target);
    default: {
      const unknown: never = format;
      throw new Error(`unknown loader file format ${String(unknown)}`);
    }
  }
}
