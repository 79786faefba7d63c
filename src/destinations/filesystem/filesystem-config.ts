import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secretRegistry } from '../../config/secret-registry.js';
import { defaultSecretSources, lookupSecret, type SecretSources } from '../../config/secrets.js';
import { ConfigError } from '../../errors/tributary-error.js';

export const LOADER_FILE_FORMATS = ['parquet', 'jsonl'] as const;
export type LoaderFileFormat = (typeof LOADER_FILE_FORMATS)[number];

/** dlt's `destination.filesystem.credentials` for S3 (all optional: the AWS SDK's chain fills gaps). */
export interface S3Credentials {
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
  awsSessionToken?: string;
  /** An S3-compatible server (MinIO, R2, a test server); path-style addressing is used then. */
  endpointUrl?: string;
  regionName?: string;
}

export interface FilesystemOptions {
  /** A local folder (path or `file://` URL) or `s3://bucket/prefix`. */
  bucketUrl: string;
  /** Default `parquet`. */
  loaderFileFormat?: LoaderFileFormat;
  credentials?: S3Credentials;
  /** State files kept per pipeline, newest first (dlt's `max_state_files`, default 100; 0 keeps all). */
  maxStateFiles?: number;
}

/** Where a bucket URL points. */
export type BucketLocation = { kind: 'local'; path: string } | { kind: 's3'; bucket: string; prefix: string };

/**
 * Parses dlt's `bucket_url`: `s3://bucket/prefix`, `file:///abs/path`, or a plain path (resolved
 * against the current folder). Other schemes dlt knows (gs, az, sftp, memory) are refused.
 *
 * @example parseBucketUrl('s3://lake/raw/') // { kind: 's3', bucket: 'lake', prefix: 'raw' }
 */
export function parseBucketUrl(url: string): BucketLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', path: resolve(url) };
  if (scheme === 'file') return { kind: 'local', path: fileURLToPath(url) };
  if (scheme === 's3') {
    const [bucket = '', ...rest] = url.slice('s3://'.length).split('/');
    if (bucket === '')
      throw new ConfigError(`bucket_url ${url} names no bucket; write s3://<bucket>/<prefix>`);
    return { kind: 's3', bucket, prefix: rest.filter((part) => part !== '').join('/') };
  }
  throw new ConfigError(
    `bucket_url scheme "${scheme}://" is not supported by the filesystem destination; use a local folder, file:// or s3://`,
  );
}

function fileFormat(value: string | undefined): LoaderFileFormat | undefined {
  if (value === undefined || value === '') return undefined;
  const format = LOADER_FILE_FORMATS.find((f) => f === value.toLowerCase());
  if (format === undefined) {
    throw new ConfigError(
      `loader_file_format "${value}" is not supported by the filesystem destination; choose ${LOADER_FILE_FORMATS.join(' or ')}`,
    );
  }
  return format;
}

/**
 * The filesystem destination's settings from dlt's variables (each also read from
 * `[destination.filesystem]` in `.tributary/secrets.toml` or `.dlt/secrets.toml`):
 * `DESTINATION__FILESYSTEM__BUCKET_URL`, `…__LOADER_FILE_FORMAT` and
 * `…__CREDENTIALS__AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` /
 * `ENDPOINT_URL` / `REGION_NAME`. The secret key and token are registered for redaction.
 */
export function filesystemOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  sources: SecretSources = defaultSecretSources(env),
): FilesystemOptions {
  const get = (key: string) => lookupSecret(`destination.filesystem.${key}`, sources);
  const bucketUrl = get('bucket_url');
  if (bucketUrl === undefined || bucketUrl === '') {
    throw new ConfigError(
      'the filesystem destination needs a bucket_url: set DESTINATION__FILESYSTEM__BUCKET_URL to a folder (./lake, file:///data/lake) or to s3://<bucket>/<prefix>',
    );
  }
  const credentials: S3Credentials = {};
  const fields = [
    ['awsAccessKeyId', 'aws_access_key_id'],
    ['awsSecretAccessKey', 'aws_secret_access_key'],
    ['awsSessionToken', 'aws_session_token'],
    ['endpointUrl', 'endpoint_url'],
    ['regionName', 'region_name'],
  ] as const;
  for (const [field, key] of fields) {
    const value = get(`credentials.${key}`);
    if (value !== undefined && value !== '') credentials[field] = value;
  }
  secretRegistry.add(credentials.awsSecretAccessKey);
  secretRegistry.add(credentials.awsSessionToken);
  const format = fileFormat(get('loader_file_format'));
  return { bucketUrl, credentials, ...(format ? { loaderFileFormat: format } : {}) };
}
