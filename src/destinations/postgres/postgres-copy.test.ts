import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { ColumnSchema } from '../../schema/schema-types.js';
import { copyRows, copySql, escapeCopyText } from './postgres-copy.js';

describe('COPY text rows from package lines', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.cleanup());

  const rowsOf = async (lines: string[], columns: ColumnSchema[]) => {
    const file = join(temp.dir, 'rows.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    let text = '';
    for await (const chunk of copyRows([file], columns)) text += chunk.text;
    return text;
  };

  it('escapes backslash, tab, newline and carriage return', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(escapeCopyText('plain ünïcode 🚀')).toBe('plain ünïcode 🚀');
  });

  it('writes each type as Postgres reads it, NULL as \\N, then the load-order number', async () => {
    const columns: ColumnSchema[] = [
      { name: 'id', data_type: 'bigint' },
      { name: 'ok', data_type: 'bool' },
      { name: 'doc', data_type: 'json' },
      { name: 'raw', data_type: 'binary' },
      { name: 'at', data_type: 'timestamp' },
      { name: 'note', data_type: 'text' },
    ];
    const text = await rowsOf(
      [
        '{"id":1,"ok":true,"doc":{"a":"x\\ty"},"raw":"0aff","at":"2024-01-01T00:00:00.000000+00:00","note":"line\\nbreak"}',
        '{"id":2,"ok":false}',
      ],
      columns,
    );
    expect(text).toBe(
      '1\tt\t{"a":"x\\\\ty"}\t\\\\x0aff\t2024-01-01T00:00:00.000000+00:00\tline\\nbreak\t1\n' +
        '2\tf\t\\N\t\\N\t\\N\t\\N\t2\n',
    );
  });

  it('keeps integers beyond 2^53 exact', async () => {
    const text = await rowsOf(
      ['{"id":1152921504606846977,"doc":[12345678901234567890]}'],
      [
        { name: 'id', data_type: 'bigint' },
        { name: 'doc', data_type: 'json' },
      ],
    );
    expect(text).toBe('1152921504606846977\t[12345678901234567890]\t1\n');
  });

  it('names the columns and the sequence column in the COPY statement', () => {
    expect(copySql('"s"."t"', [{ name: 'a', data_type: 'text' }], '_seq')).toBe(
      'COPY "s"."t" ("a", "_seq") FROM STDIN',
    );
  });
});
