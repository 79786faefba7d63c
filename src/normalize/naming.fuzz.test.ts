import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../errors/tributary-error.js';
import {
  createNaming,
  isBlank,
  normalizeIdentifier,
  normalizePath,
  PATH_SEPARATOR,
  shortenIdentifier,
  shortenPath,
  stripWhitespace,
} from './naming.js';
import { EmptyIdentifierError } from './normalize-errors.js';

// Property tests: whatever a server sends as a key, naming ends in a usable name or a typed error.

/** Keys as APIs send them: any unicode, separators, camelCase, digits, symbols dlt reduces. */
const keyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'B',
      'z',
      'Q',
      '_',
      '-',
      '+',
      '*',
      '@',
      '|',
      ' ',
      '1',
      '٣',
      '.',
      '__',
      'é',
      '🔥',
    ),
    maxLength: 30,
  }),
  fc.constantFrom('', ' ', '_', '__', '___', '\t', '\u00a0', '_dlt_id', 'a__b', '__a__', 'Ünïcode', 'order'),
);
/**
 * No limit (DuckDB), Postgres' 63, and short limits that force the tagged shortening. At exactly 6
 * (the tag's length) a name is the bare tag, which may start with a digit and so re-normalizes to
 * another name (as in dlt); no destination has such a limit.
 */
const maxLength = fc.oneof(fc.constant(undefined), fc.constant(63), fc.integer({ min: 7, max: 40 }));
const NUM_RUNS = { numRuns: 400 };

/** Code points, as Python (and so dlt) counts identifier length. */
const codePoints = (s: string) => Array.from(s).length;

/**
 * Whether normalizing `path` cuts it to `max` with a tag. A shortened name is not always stable:
 * the cut can leave a part that starts with a digit (`x__9owujwxa`: the tag begins `9`;
 * `…__௦x__…`: the cut took the `_` before a digit), which normalizes again to a longer, re-tagged
 * name. dlt shortens the same way (tables must match its names), so this is kept and documented.
 */
function isShortened(path: string, max: number | undefined): boolean {
  return max !== undefined && codePoints(normalizePath(path)) > max;
}

/** Runs `normalize`, letting only an EmptyIdentifierError (a typed TributaryError) through as `undefined`. */
function attempt(normalize: () => string): string | undefined {
  try {
    return normalize();
  } catch (error) {
    expect(error).toBeInstanceOf(EmptyIdentifierError);
    expect(error).toBeInstanceOf(TributaryError);
    return undefined;
  }
}

describe('naming under arbitrary keys', () => {
  it('normalizeIdentifier gives a non-empty snake_case name within the limit, or a typed error', () => {
    fc.assert(
      fc.property(keyText, maxLength, (key, max) => {
        const name = attempt(() => normalizeIdentifier(key, max));
        if (name === undefined) return;
        expect(name).not.toBe('');
        expect(name).toMatch(/^[a-z_][a-z0-9_\p{Nd}]*$/u);
        expect(name).not.toContain(PATH_SEPARATOR);
        if (max !== undefined) expect(codePoints(name)).toBeLessThanOrEqual(max);
      }),
      NUM_RUNS,
    );
  });

  it('normalizeIdentifier is idempotent', () => {
    fc.assert(
      fc.property(keyText, maxLength, (key, max) => {
        const once = attempt(() => normalizeIdentifier(key, max));
        if (once !== undefined) expect(normalizeIdentifier(once, max)).toBe(once);
      }),
      NUM_RUNS,
    );
  });

  it('normalizePath is idempotent and within the limit; it is empty only for a path of blank parts', () => {
    fc.assert(
      fc.property(fc.array(keyText, { maxLength: 5 }), maxLength, (parts, max) => {
        const path = parts.join(PATH_SEPARATOR);
        const once = normalizePath(path, max);
        if (once === '') {
          expect(path.split(PATH_SEPARATOR).every((part) => normalizePath(part) === '')).toBe(true);
          return;
        }
        if (max !== undefined) {
          expect(codePoints(once)).toBeLessThanOrEqual(max);
          expect(codePoints(normalizePath(once, max))).toBeLessThanOrEqual(max);
        }
        if (isShortened(path, max)) return;
        expect(normalizePath(once, max)).toBe(once);
      }),
      NUM_RUNS,
    );
  });

  it('a path of normalized fragments normalizes to itself (nested table and column names)', () => {
    fc.assert(
      fc.property(fc.array(keyText, { minLength: 1, maxLength: 6 }), maxLength, (keys, max) => {
        const fragments = keys.flatMap((key) => attempt(() => normalizeIdentifier(key, max)) ?? []);
        const joined = shortenPath(max, fragments);
        if (max !== undefined) expect(codePoints(joined)).toBeLessThanOrEqual(max);
        if (codePoints(fragments.join(PATH_SEPARATOR)) > (max ?? Number.POSITIVE_INFINITY)) return;
        expect(normalizePath(joined, max)).toBe(joined);
      }),
      NUM_RUNS,
    );
  });

  it("isBlank is Python's `not s or s.isspace()`, whatever the first character", () => {
    const blankish = fc.string({
      unit: fc.constantFrom(' ', '\t', '\x1c', '\x85', '\u00a0', '\u3000', '\ufeff', 'a', '~', '!'),
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.oneof(keyText, blankish), (text) => {
        expect(isBlank(text)).toBe(stripWhitespace(text) === '');
      }),
      NUM_RUNS,
    );
  });

  it('shortens one joined path as it shortens the same path given in fragments', () => {
    fc.assert(
      fc.property(fc.array(keyText, { minLength: 1, maxLength: 4 }), maxLength, (keys, max) => {
        const path = keys.join(PATH_SEPARATOR);
        expect(shortenPath(max, [path])).toBe(shortenPath(max, ['', path, ' ']));
      }),
      NUM_RUNS,
    );
  });

  it('leaves a name of at most maxLength code points as it is, and cuts every longer one', () => {
    fc.assert(
      fc.property(keyText, maxLength, (name, max) => {
        const shortened = shortenIdentifier(name, name, max);
        if (max === undefined || codePoints(name) <= max) expect(shortened).toBe(name);
        else expect(codePoints(shortened)).toBe(max);
      }),
      NUM_RUNS,
    );
  });

  it('the cached naming of a destination answers as the plain functions do', () => {
    fc.assert(
      fc.property(fc.array(keyText, { minLength: 1, maxLength: 20 }), maxLength, (keys, max) => {
        const naming = createNaming(max);
        for (const key of [...keys, ...keys]) expect(naming.normalizePath(key)).toBe(normalizePath(key, max));
      }),
      { numRuns: 200 },
    );
  });
});
