import { createHash } from 'node:crypto';
import { EmptyIdentifierError } from './normalize-errors.js';

/** Separator between the fragments of a flattened column or nested table name (dlt `PATH_SEPARATOR`). */
export const PATH_SEPARATOR = '__';
/** Max identifier length dlt uses for Postgres (`max_identifier_length` 63). */
export const POSTGRES_MAX_IDENTIFIER_LENGTH = 63;
/** Max identifier length dlt uses for DuckDB; so large that names are never shortened in practice. */
export const DUCKDB_MAX_IDENTIFIER_LENGTH = 65536;

// Python's `str.strip()`/`isspace()` set, which differs from JS `trim()`: it includes \x1c-\x1f and \x85
// but not the BOM \ufeff. dlt strips with Python's set, so we must too to produce the same names.
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const PY_BLANK = new RegExp(`^[${PY_SPACE}]*$`);

const REDUCE_ALPHABET: Readonly<Record<string, string>> = {
  '+': 'x',
  '-': '_',
  '*': 'x',
  '@': 'a',
  '|': 'l',
};
// Python's `\d` matches every Unicode decimal digit (category Nd), so dlt keeps e.g. Arabic-Indic digits.
const NON_ALPHANUMERIC = /[^a-zA-Z\p{Nd}_]+/gu;
const LEADING_DIGIT = /^\p{Nd}/u;
const CAMEL_BREAK_1 = /([^_])([A-Z][a-z]+)/gu;
const CAMEL_BREAK_2 = /([a-z0-9])([A-Z])/g;
const TRAILING_UNDERSCORES = /_+$/;
const UNDERSCORE_RUNS = /__+/g;
const NON_ASCII = /[\u0080-\uffff]/;
const TAG_LENGTH = 6;

/** Strips surrounding whitespace exactly as Python's `str.strip()` does. */
export function stripWhitespace(s: string): string {
  return s.replace(PY_STRIP, '');
}

/** True for `''` and whitespace-only strings (Python `not s or s.isspace()`). */
export function isBlank(s: string): boolean {
  // Names start with a printable ASCII character (`!`..`~`, none of them space) nearly always.
  const first = s.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return PY_BLANK.test(s);
}

/**
 * Normalizes one identifier with dlt's `snake_case` convention and shortens it to `maxLength`.
 * @example normalizeIdentifier('getHTTPResponseCode') // 'get_http_response_code'
 */
export function normalizeIdentifier(s: string, maxLength?: number): string {
  const stripped = stripWhitespace(s);
  if (stripped === '') throw new EmptyIdentifierError(s);
  const reduced = stripped
    .replace(/[+\-*@|]/g, (c) => REDUCE_ALPHABET[c] ?? c)
    .replace(NON_ALPHANUMERIC, '_');
  let snake = reduced.replace(CAMEL_BREAK_1, '$1_$2').replace(CAMEL_BREAK_2, '$1_$2').toLowerCase();
  if (LEADING_DIGIT.test(snake)) snake = `_${snake}`;
  // One `x` per trailing underscore, so `col_` cannot end in the path separator.
  snake = snake.replace(TRAILING_UNDERSCORES, (run) => 'x'.repeat(run.length));
  return shortenIdentifier(snake.replace(UNDERSCORE_RUNS, '_'), stripped, maxLength);
}

/**
 * Normalizes a path (a data key or table name): splits on `__`, drops blank parts, normalizes each
 * part, re-joins and shortens the whole with a tag computed from the raw input.
 * @example normalizePath('A__B') // 'a__b'
 */
export function normalizePath(s: string, maxLength?: number): string {
  const parts = s.split(PATH_SEPARATOR).filter((part) => !isBlank(part));
  const joined = parts.map((part) => normalizeIdentifier(part, maxLength)).join(PATH_SEPARATOR);
  return shortenIdentifier(joined, s, maxLength);
}

/**
 * Joins already-normalized fragments with `__` (blank ones dropped) and shortens the result with a
 * tag computed from the joined string.
 * @example shortenFragments(63, 'users', 'pets') // 'users__pets'
 */
export function shortenFragments(maxLength: number | undefined, ...fragments: string[]): string {
  return shortenPath(maxLength, fragments);
}

/** {@link shortenFragments} taking an array, for paths too long to spread into arguments. */
export function shortenPath(maxLength: number | undefined, fragments: readonly string[]): string {
  // Flattening passes one path joined already, for every nested column and table of every record.
  const path =
    fragments.length === 1
      ? nonBlank(fragments[0] as string)
      : fragments.filter((fragment) => !isBlank(fragment)).join(PATH_SEPARATOR);
  return shortenIdentifier(path, path, maxLength);
}

function nonBlank(fragment: string): string {
  return isBlank(fragment) ? '' : fragment;
}

/**
 * Cuts `normalized` to exactly `maxLength` characters with a 6-character tag (shake_128 of
 * `tagSource`) in the middle, if it is longer; otherwise returns it unchanged.
 * @example shortenIdentifier('a'.repeat(64), 'a'.repeat(64), 63) // 29 a's + 'fv1mma' + 28 a's
 */
export function shortenIdentifier(
  normalized: string,
  tagSource: string,
  maxLength: number | undefined,
): string {
  // No longer in UTF-16 units is no longer in code points: most names end here, without a scan.
  if (!maxLength || normalized.length <= maxLength) return normalized;
  // Python counts code points; non-ASCII survives normalization only as Unicode digits.
  const chars = NON_ASCII.test(normalized) ? Array.from(normalized) : undefined;
  const length = chars ? chars.length : normalized.length;
  if (length <= maxLength) return normalized;
  if (maxLength < TAG_LENGTH)
    throw new RangeError(`maxLength ${maxLength} cannot hold a ${TAG_LENGTH}-char tag`);
  const remaining = maxLength - TAG_LENGTH;
  const head = Math.floor(remaining / 2) + (remaining % 2);
  const tail = length - Math.floor(remaining / 2);
  const slice = (from: number, to: number) =>
    chars ? chars.slice(from, to).join('') : normalized.slice(from, to);
  return slice(0, head) + identifierTag(tagSource) + slice(tail, length);
}

/** base64 of 4 shake_128 bytes, `=` stripped, `/`→`a`, `+`→`b`, lowercased (6 chars). */
export function identifierTag(tagSource: string): string {
  const digest = createHash('shake128', { outputLength: 4 }).update(tagSource, 'utf8').digest('base64');
  return digest.replace(/=+$/, '').replaceAll('/', 'a').replaceAll('+', 'b').toLowerCase();
}

/** The naming convention bound to a destination's max identifier length. */
export interface Naming {
  readonly maxLength: number | undefined;
  normalizeIdentifier(s: string): string;
  normalizePath(s: string): string;
  shortenFragments(...fragments: string[]): string;
  shortenPath(fragments: readonly string[]): string;
}

// Keys repeat in every record of a resource; caching avoids re-running five regexes per key per record.
const CACHE_LIMIT = 10_000;

/**
 * Binds the `snake_case` functions to one max length; path normalization is cached.
 * @example createNaming(POSTGRES_MAX_IDENTIFIER_LENGTH).normalizePath('createdAt') // 'created_at'
 */
export function createNaming(maxLength?: number): Naming {
  const pathCache = new Map<string, string>();
  return {
    maxLength,
    normalizeIdentifier: (s) => normalizeIdentifier(s, maxLength),
    normalizePath(s) {
      let normalized = pathCache.get(s);
      if (normalized === undefined) {
        normalized = normalizePath(s, maxLength);
        if (pathCache.size >= CACHE_LIMIT) pathCache.clear();
        pathCache.set(s, normalized);
      }
      return normalized;
    },
    shortenFragments: (...fragments) => shortenPath(maxLength, fragments),
    shortenPath: (fragments) => shortenPath(maxLength, fragments),
  };
}
