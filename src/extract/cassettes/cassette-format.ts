import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TributaryError } from '../../errors/tributary-error.js';

/** The `format` field of every `cassette.json`; `version` changes when a reader must. */
export const CASSETTE_FORMAT = 'tributary-cassette';
export const CASSETTE_VERSION = 1;
export const INDEX_FILE = 'cassette.json';
export const INTERACTIONS_DIR = 'interactions';

/** A request as stored: everything scrubbed (see `cassette-scrubber.ts`). */
export interface StoredRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as text (scrubbed), or null without one. */
  body: string | null;
  /** SHA-256 of the scrubbed body, hex; part of the match. Null without a body. */
  bodySha256: string | null;
}

/**
 * A response body: JSON kept as JSON when writing it back gives the very same bytes (compact JSON
 * without big numbers: most APIs), else UTF-8 text, else base64.
 */
export type StoredBody = { encoding: 'json'; data: unknown } | { encoding: 'utf8' | 'base64'; data: string };

export interface StoredResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  body: StoredBody;
}

/** What a failed exchange ended with (a dropped connection, a timeout): replayed as that error. */
export interface StoredError {
  name: string;
  code: string | undefined;
  message: string;
}

/** One file under `interactions/`: a request and its response or its error. */
export interface Interaction {
  request: StoredRequest;
  /** 1 for the first time the run sent this request, 2 for the next (a retry), and so on. */
  occurrence: number;
  response?: StoredResponse;
  error?: StoredError;
}

/** One line of the index: enough to match a request without reading its file. */
export interface IndexEntry {
  file: string;
  method: string;
  url: string;
  bodySha256: string | null;
  occurrence: number;
  /** The status, or `error`. */
  outcome: number | 'error';
}

/** `cassette.json`. */
export interface CassetteIndex {
  format: typeof CASSETTE_FORMAT;
  version: number;
  tool: string;
  createdAt: string;
  /** The config file's name (not its path), when the CLI recorded it. */
  config?: string;
  interactions: IndexEntry[];
}

/** What a request is matched by: method, scrubbed URL and the hash of its scrubbed body. */
export function matchKey(request: { method: string; url: string; bodySha256: string | null }): string {
  return `${request.method} ${request.url}${request.bodySha256 === null ? '' : ` body:${request.bodySha256}`}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * `get-v1-tasks-3f9a1c2e-1.json`: the method and path for a reader, a hash of the match key so that
 * re-recording the same run rewrites the same files (a readable diff), the occurrence last.
 */
export function interactionFileName(request: StoredRequest, occurrence: number): string {
  let path = request.url;
  try {
    path = new URL(request.url).pathname;
  } catch {
    // kept as is: the slug below makes any text a file name
  }
  const slug = `${request.method}-${path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${slug}-${sha256(matchKey(request)).slice(0, 8)}-${occurrence}.json`;
}

export function cassetteError(message: string, cause?: unknown): TributaryError {
  return new TributaryError('CASSETTE', message, { retryable: false, ...(cause ? { cause } : {}) });
}

/** Checks a parsed `cassette.json`; says what is wrong and where. */
export function parseIndex(text: string, dir: string): CassetteIndex {
  let index: Partial<CassetteIndex>;
  try {
    index = JSON.parse(text) as Partial<CassetteIndex>;
  } catch (error) {
    throw cassetteError(`${join(dir, INDEX_FILE)} is not valid JSON; record the cassette again`, error);
  }
  if (index.format !== CASSETTE_FORMAT || !Array.isArray(index.interactions)) {
    throw cassetteError(`${join(dir, INDEX_FILE)} is not a Tributary cassette index`);
  }
  if (index.version !== CASSETTE_VERSION) {
    throw cassetteError(
      `${join(dir, INDEX_FILE)} has cassette format version ${String(index.version)}; this Tributary reads version ${CASSETTE_VERSION}: record it again`,
    );
  }
  return index as CassetteIndex;
}

let toolVersion: string | undefined;

/** `tributary 0.1.0`, from the package's own package.json (found upwards from this module, src or dist). */
export function toolName(): string {
  if (toolVersion === undefined) {
    toolVersion = 'unknown';
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let depth = 0; depth < 6; depth++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
        if (pkg.name === 'tributary' && typeof pkg.version === 'string') {
          toolVersion = pkg.version;
          break;
        }
      } catch {
        // no package.json at this level
      }
    }
  }
  return `tributary ${toolVersion}`;
}
