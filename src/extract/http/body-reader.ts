import { TributaryError } from '../../errors/tributary-error.js';

/** Default `client.max_response_bytes`: 256 MiB, far above any sane page, far below a runaway body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** `1024` → `1 KiB`, `268435456` → `256 MiB`; exact byte counts otherwise. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** A response body as undici hands it out: chunks, and a way to drop the connection. */
export interface BodyStream extends AsyncIterable<Buffer | Uint8Array> {
  destroy(error?: Error): unknown;
}

function tooLarge(what: string, url: string, method: string, limit: number): TributaryError {
  return new TributaryError(
    'RESPONSE_TOO_LARGE',
    `${method} ${url} failed: ${what} is larger than client.max_response_bytes (${formatBytes(limit)}); raise client.max_response_bytes if the API really sends responses this large, or ask for smaller pages`,
    { retryable: false, context: { url } },
  );
}

/**
 * Reads a body into memory, at most `limit` bytes: a `Content-Length` above the limit fails before
 * a byte is read, and a body without one (chunked) fails as soon as it grows past the limit. Either
 * way the connection is dropped, so a runaway body costs no more than the limit. The error
 * (`RESPONSE_TOO_LARGE`) is terminal: the same request would bring the same body.
 */
export async function readBody(
  body: BodyStream,
  contentLength: string | undefined,
  limit: number,
  request: { method: string; url: string },
): Promise<Buffer> {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw tooLarge(`the body (Content-Length ${declared})`, request.url, request.method, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      throw tooLarge('the body', request.url, request.method, limit);
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}
