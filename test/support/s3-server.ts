import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';

/** s3rver's one built-in account. */
export const S3_ACCESS_KEY_ID = 'S3RVER';
export const S3_SECRET_ACCESS_KEY = 'S3RVER';

export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** The folder s3rver keeps the objects in. */
  directory: string;
  close(): Promise<void>;
}

/**
 * An S3-compatible server in this process on 127.0.0.1 (s3rver), with one empty bucket.
 * `allowMismatchedSignatures`: s3rver signs bucket-level requests over `/bucket` while the current
 * AWS SDK signs `/bucket/`, so listings would fail its signature check; credentials must still name
 * its account, and object requests are still verified the same way by the SDK's own signing.
 */
export async function startS3Server(bucket = 'lake'): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'tributary-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
