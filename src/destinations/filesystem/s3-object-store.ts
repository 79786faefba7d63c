import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { TributaryError } from '../../errors/tributary-error.js';
import type { S3Credentials } from './filesystem-config.js';
import type { ObjectStore, StoredObject } from './object-store.js';

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** Network failures worth another try (the SDK already retried a few times itself). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

function s3Error(operation: string, url: string, cause: unknown): TributaryError {
  const error = cause as {
    name?: string;
    message?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = error.$metadata?.httpStatusCode;
  const retryable =
    error.$retryable !== undefined ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    TRANSIENT_CODES.has(error.code ?? '') ||
    error.name === 'TimeoutError';
  const reason = `${error.name ?? 'Error'}${status ? ` (${status})` : ''}: ${(error.message ?? String(cause)).split('\n')[0]}`;
  return new TributaryError('DESTINATION', `S3 ${operation} ${url} failed: ${reason}`, {
    retryable,
    ...(status ? { context: { status } } : {}),
    cause,
  });
}

/** No such object (a missing bucket is an error, not a missing object). */
function isMissingKey(cause: unknown): boolean {
  const { name, $metadata } = cause as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || ($metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket');
}

/**
 * An S3 bucket (or an S3-compatible server) under a key prefix. A PUT is atomic per object; files
 * are made in a local scratch folder and uploaded whole. The AWS SDK is imported only when an
 * `s3://` bucket is used.
 */
class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly #sdk: S3Sdk;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  #scratch: string | undefined;

  constructor(sdk: S3Sdk, client: S3Client, bucket: string, prefix: string) {
    this.#sdk = sdk;
    this.#client = client;
    this.#bucket = bucket;
    this.#prefix = prefix === '' ? '' : `${prefix}/`;
    this.location = `s3://${bucket}${prefix === '' ? '' : `/${prefix}`}`;
  }

  #key(key: string): string {
    return `${this.#prefix}${key}`;
  }

  #url(key: string): string {
    return `s3://${this.#bucket}/${this.#key(key)}`;
  }

  async #call<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw s3Error(operation, this.#url(key), cause);
    }
  }

  async #scratchFile(): Promise<string> {
    this.#scratch ??= await mkdtemp(join(tmpdir(), 'tributary-s3-'));
    return join(this.#scratch, randomBytes(8).toString('hex'));
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.#call('ListObjectsV2', prefix, () =>
        this.#client.send(
          new this.#sdk.ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#key(prefix),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.Key.endsWith('/')) continue;
        out.push({ key: object.Key.slice(this.#prefix.length), size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out;
  }

  async putFileFrom(key: string, make: (path: string) => Promise<void>): Promise<void> {
    const path = await this.#scratchFile();
    try {
      await make(path);
      const { size } = await stat(path);
      await this.#call('PutObject', key, () =>
        this.#client.send(
          new this.#sdk.PutObjectCommand({
            Bucket: this.#bucket,
            Key: this.#key(key),
            Body: createReadStream(path),
            ContentLength: size,
          }),
        ),
      );
    } finally {
      await rm(path, { force: true });
    }
  }

  async putText(key: string, text: string): Promise<void> {
    await this.#call('PutObject', key, () =>
      this.#client.send(
        new this.#sdk.PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key(key),
          Body: Buffer.from(text, 'utf8'),
          // Without it the SDK sends no length for an empty body and prints a warning.
          ContentLength: Buffer.byteLength(text, 'utf8'),
        }),
      ),
    );
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const reply = await this.#client.send(
        new this.#sdk.GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }),
      );
      return (await reply.Body?.transformToString('utf8')) ?? '';
    } catch (cause) {
      if (isMissingKey(cause)) return undefined;
      throw s3Error('GetObject', this.#url(key), cause);
    }
  }

  async withLocalCopy<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    const path = await this.#scratchFile();
    try {
      await this.#call('GetObject', key, async () => {
        const reply = await this.#client.send(
          new this.#sdk.GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }),
        );
        await pipeline(reply.Body as Readable, createWriteStream(path));
      });
      return await use(path);
    } finally {
      await rm(path, { force: true });
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    // DeleteObjects takes at most 1000 keys per call.
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const reply = await this.#call('DeleteObjects', batch[0] ?? '', () =>
        this.#client.send(
          new this.#sdk.DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: { Objects: batch.map((key) => ({ Key: this.#key(key) })), Quiet: true },
          }),
        ),
      );
      const failed = reply.Errors?.[0];
      if (failed !== undefined) {
        throw new TributaryError(
          'DESTINATION',
          `S3 DeleteObjects s3://${this.#bucket}/${failed.Key ?? ''} failed: ${failed.Code ?? 'Error'}: ${failed.Message ?? ''} (${reply.Errors?.length ?? 1} of ${batch.length} keys not deleted)`,
          { retryable: failed.Code === 'InternalError' || failed.Code === 'SlowDown' },
        );
      }
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
    if (this.#scratch !== undefined) await rm(this.#scratch, { recursive: true, force: true });
    this.#scratch = undefined;
  }
}

/**
 * Opens an S3 store. Credentials not given fall back to the AWS SDK's own chain (`AWS_*`
 * variables, `~/.aws`, instance roles). With `endpointUrl` (an S3-compatible server) requests use
 * path-style addressing and send checksums only where S3 requires them, since many compatible
 * servers do not take the SDK's newer streaming checksum trailers.
 */
export async function openS3ObjectStore(
  location: { bucket: string; prefix: string },
  credentials: S3Credentials,
): Promise<ObjectStore> {
  // The SDK warns on every process below Node 22 from 2027 on; the library never prints.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await import('@aws-sdk/client-s3');
  const custom = credentials.endpointUrl !== undefined;
  const client = new sdk.S3Client({
    region: credentials.regionName ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    followRegionRedirects: true,
    ...(custom
      ? {
          endpoint: credentials.endpointUrl,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    ...(credentials.awsAccessKeyId !== undefined && credentials.awsSecretAccessKey !== undefined
      ? {
          credentials: {
            accessKeyId: credentials.awsAccessKeyId,
            secretAccessKey: credentials.awsSecretAccessKey,
            ...(credentials.awsSessionToken ? { sessionToken: credentials.awsSessionToken } : {}),
          },
        }
      : {}),
  });
  return new S3ObjectStore(sdk, client, location.bucket, location.prefix);
}
