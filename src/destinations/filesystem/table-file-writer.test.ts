import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../schema/schema-types.js';
import { writeTableFile } from './table-file-writer.js';

const TABLE: TableSchema = {
  name: 't',
  columns: {
    id: { name: 'id', data_type: 'bigint', nullable: false },
    big: { name: 'big', data_type: 'bigint', precision: 128 },
    raw: { name: 'raw', data_type: 'binary' },
    at: { name: 'at', data_type: 'timestamp' },
    doc: { name: 'doc', data_type: 'json' },
    never: { name: 'never' },
  },
};

describe('table files', () => {
  let dir: string;
  let instance: DuckDBInstance;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-table-file-'));
    instance = await DuckDBInstance.create(':memory:');
    await writeFile(
      join(dir, 'rows.jsonl'),
      '{"id":1,"big":123456789012345678901234567890,"raw":"00ff10","at":"2024-05-06T07:08:09.123456+00:00","doc":{"a":[1,2.0]}}\n{"id":9007199254740993}\n',
    );
  });
  afterAll(async () => {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes Parquet with the table types, binary as bytes and wide integers exact', async () => {
    const db = await instance.connect();
    const target = join(dir, 'out.parquet');
    await writeTableFile(db, [join(dir, 'rows.jsonl')], TABLE, target, 'parquet');
    const types = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${target}')`)).getRows();
    expect(types.map(([name, type]) => `${name} ${type}`)).toEqual([
      'id BIGINT',
      'big DECIMAL(38,0)',
      'raw BLOB',
      'at TIMESTAMP WITH TIME ZONE',
      'doc JSON',
    ]);
    const rows = await db.runAndReadAll(
      `SELECT id::VARCHAR, big::VARCHAR, hex(raw), epoch_us("at"), doc::VARCHAR FROM read_parquet('${target}') ORDER BY id`,
    );
    expect(rows.getRows()).toEqual([
      ['1', '123456789012345678901234567890', '00FF10', 1714979289123456n, '{"a":[1,2.0]}'],
      ['9007199254740993', null, null, null, null],
    ]);
    db.closeSync();
  });

  it('writes JSON lines as the package holds them, binary as base64 and numbers exact', async () => {
    const db = await instance.connect();
    const target = join(dir, 'out.jsonl');
    await writeTableFile(db, [join(dir, 'rows.jsonl')], TABLE, target, 'jsonl');
    expect(await readFile(target, 'utf8')).toBe(
      '{"id":1,"big":123456789012345678901234567890,"raw":"AP8Q","at":"2024-05-06T07:08:09.123456+00:00","doc":{"a":[1,2.0]}}\n{"id":9007199254740993}\n',
    );
    db.closeSync();
  });
});
