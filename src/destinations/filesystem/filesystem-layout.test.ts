import { describe, expect, it } from 'vitest';
import {
  compareLoadIds,
  dataFileKey,
  isFileOfLoad,
  loadsFileKey,
  parseSystemFileName,
  stateFileKey,
  versionFileKey,
} from './filesystem-layout.js';

describe('filesystem layout', () => {
  it('names data files <dataset>/<table>/<load_id>.<file_id>.<ext>, the same id on every try', () => {
    const key = dataFileKey('ds', 'tasks', '1712345678.123456', 'parquet');
    expect(key).toMatch(/^ds\/tasks\/1712345678\.123456\.[0-9a-f]{10}\.parquet$/);
    expect(dataFileKey('ds', 'tasks', '1712345678.123456', 'parquet')).toBe(key);
    expect(dataFileKey('ds', 'tags', '1712345678.123456', 'parquet')).not.toBe(key.replace('tasks', 'tags'));
    expect(isFileOfLoad(key, '1712345678.123456')).toBe(true);
    expect(isFileOfLoad(key, '1712345678.12345')).toBe(false);
  });

  it('names system files as dlt does, with the base64 hash as hex', () => {
    expect(loadsFileKey('ds', 'rest_api', '1.5')).toBe('ds/_dlt_loads/rest_api__1.5.jsonl');
    expect(versionFileKey('ds', 'rest_api', '1.5', 'AAH/')).toBe(
      'ds/_dlt_version/rest_api__1.5__0001ff.jsonl',
    );
    expect(stateFileKey('ds', 'my__pipe', '1.5', 'AAH/')).toBe(
      'ds/_dlt_pipeline_state/my__pipe__1.5__0001ff.jsonl',
    );
  });

  it('parses system file names from the right, so names may hold the separator', () => {
    expect(parseSystemFileName('ds/_dlt_pipeline_state/my__pipe__1.5__0001ff.jsonl', true)).toEqual({
      key: 'ds/_dlt_pipeline_state/my__pipe__1.5__0001ff.jsonl',
      name: 'my__pipe',
      loadId: '1.5',
      hash: '0001ff',
    });
    expect(parseSystemFileName('ds/_dlt_loads/rest_api__1.5.jsonl', false)).toMatchObject({
      name: 'rest_api',
      loadId: '1.5',
    });
    expect(parseSystemFileName('ds/_dlt_loads/init', false)).toBeUndefined();
    expect(parseSystemFileName('ds/_dlt_loads/orphan.jsonl', false)).toBeUndefined();
  });

  it('orders load ids as numbers', () => {
    const ids = ['1712345678.5', '999999999.9', '1712345678.123456', '1712345678.45'];
    expect([...ids].sort(compareLoadIds)).toEqual([
      '999999999.9',
      '1712345678.123456',
      '1712345678.45',
      '1712345678.5',
    ]);
    expect(compareLoadIds('1.50', '1.5')).toBe(0);
  });
});
