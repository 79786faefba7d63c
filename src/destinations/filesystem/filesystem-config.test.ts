import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/tributary-error.js';
import { filesystemOptionsFromEnv, parseBucketUrl } from './filesystem-config.js';

describe('bucket_url', () => {
  it('reads local paths, file:// URLs and s3:// URLs', () => {
    expect(parseBucketUrl('lake')).toEqual({ kind: 'local', path: resolve('lake') });
    expect(parseBucketUrl('file:///data/lake')).toEqual({ kind: 'local', path: '/data/lake' });
    expect(parseBucketUrl('s3://bucket')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseBucketUrl('s3://bucket/raw/zone/')).toEqual({
      kind: 's3',
      bucket: 'bucket',
      prefix: 'raw/zone',
    });
  });

  it('refuses schemes it cannot write and an s3 URL without a bucket', () => {
    expect(() => parseBucketUrl('gs://bucket/x')).toThrow(/"gs:\/\/" is not supported/);
    expect(() => parseBucketUrl('s3:///x')).toThrow(ConfigError);
  });
});

describe('filesystem options from the environment', () => {
  const sources = { env: {}, projectDir: '/nonexistent' };
  it('needs a bucket_url', () => {
    expect(() => filesystemOptionsFromEnv({}, sources)).toThrow(/DESTINATION__FILESYSTEM__BUCKET_URL/);
  });

  it('takes parquet or jsonl, in any case', () => {
    const env = {
      DESTINATION__FILESYSTEM__BUCKET_URL: './x',
      DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: 'JSONL',
    };
    expect(filesystemOptionsFromEnv(env, { ...sources, env }).loaderFileFormat).toBe('jsonl');
    const csv = { ...env, DESTINATION__FILESYSTEM__LOADER_FILE_FORMAT: 'csv' };
    expect(() => filesystemOptionsFromEnv(csv, { ...sources, env: csv })).toThrow(/choose parquet or jsonl/);
  });
});
