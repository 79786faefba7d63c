import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '../errors/tributary-error.js';
import { parseJsonBody } from '../extract/http/json-body.js';
import { DATA_TYPES } from '../schema/schema-types.js';
import { coerceValue } from './coercion.js';
import { parseJsonText, toCompactJson } from './compact-json.js';
import { stringifyExact } from './exact-json.js';
import { JsonDouble, type JsonValue } from './json-values.js';
import { createNaming, normalizePath } from './naming.js';
import { flattenRecord, type NormalizedRow } from './relational.js';
import { DETECTIONS, inferDataType } from './type-inference.js';

// Property tests: any JSON an API returns becomes rows with valid names and typed values, or a typed
// TributaryError (a name collision). Deep nesting beyond these depths is tested in relational-robustness.

/** Keys as APIs send them: any unicode, empty, separators, system names, case variants. */
const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom('id', 'Id', 'ID', 'userId', 'user_id', 'a__b', 'a', 'b', 'value') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '__',
      '_dlt_id',
      '_dlt_parent_id',
      '_dlt_list_idx',
      'list',
      '🔥',
      '٣',
      'ß',
    ),
  },
);

/**
 * Numbers as the exact parser makes them: safe integers and fractions as `number`, integers beyond
 * ±2^53 as `bigint` (within orjson's 64-bit range), integral floats as `JsonDouble`.
 */
const number: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map((n) => toIntegerValue(n)),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((d) => (Object.is(d, -0) ? 0 : d))
    .map((d) => (Number.isInteger(d) ? new JsonDouble(d) : d)),
);

function toIntegerValue(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

const scalar: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  number,
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom('2024-03-05T10:20:30Z', '2024-03-05', '0x1f', 'True', '1e400', '12:30', ''),
);

const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(key, tie('json'), { maxKeys: 5 }),
  ),
}));

/** A chain of nested dicts and lists, deeper than the generator above reaches. */
const deep: fc.Arbitrary<JsonValue> = fc
  .tuple(fc.integer({ min: 10, max: 300 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), key)
  .map(([depth, shape, name]) => {
    let value: JsonValue = 'leaf';
    for (let i = 0; i < depth; i++) value = shape[i % shape.length] ? { [name || 'k']: value } : [value];
    return value;
  });

/**
 * Whether `parsed` holds the same values as `original`: bigints exactly, floats as the same double
 * (an integral float written as an integer may come back as an integer type).
 */
function sameValues(original: JsonValue, parsed: JsonValue): boolean {
  if (typeof original === 'bigint') return parsed === original;
  if (typeof original === 'number' || original instanceof JsonDouble) {
    const asNumber = typeof parsed === 'bigint' || parsed instanceof JsonDouble ? Number(parsed) : parsed;
    return asNumber === Number(original);
  }
  if (Array.isArray(original)) {
    return (
      Array.isArray(parsed) &&
      parsed.length === original.length &&
      original.every((item, i) => sameValues(item, parsed[i] as JsonValue))
    );
  }
  if (original !== null && typeof original === 'object') {
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
    const keys = Object.keys(original);
    return (
      keys.length === Object.keys(parsed).length &&
      keys.every(
        (k) =>
          k in parsed &&
          sameValues(original[k] as JsonValue, (parsed as Record<string, JsonValue>)[k] as JsonValue),
      )
    );
  }
  return parsed === original;
}

const record = fc.oneof({ weight: 5, arbitrary: json }, { weight: 1, arbitrary: deep });
const NUM_RUNS = { numRuns: 300 };

/** Flattens, letting only TributaryErrors through (as `undefined`). */
function flattenOrTypedError(value: JsonValue, maxLength: number | undefined, maxNesting?: number) {
  const naming = createNaming(maxLength);
  try {
    return flattenRecord(value, {
      table: 'items',
      naming,
      loadId: '1700000000.123',
      rootKey: true,
      ...(maxNesting === undefined ? {} : { maxNesting }),
    });
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return undefined;
  }
}

describe('normalization under arbitrary JSON', () => {
  it('flattens any record into rows whose table and column names are normalized, or fails typed', () => {
    fc.assert(
      fc.property(record, fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), (value, nesting) => {
        const rows = flattenOrTypedError(value, undefined, nesting);
        if (rows === undefined) return;
        expect(rows[0]?.table).toBe('items');
        for (const { table, row } of rows) {
          expect(normalizePath(table)).toBe(table);
          for (const column of Object.keys(row)) {
            expect(column).not.toBe('');
            expect(normalizePath(column)).toBe(column);
          }
        }
      }),
      NUM_RUNS,
    );
  });

  it('keeps names within a destination limit, and links every nested row to an earlier row', () => {
    fc.assert(
      fc.property(record, fc.constantFrom(63, 16), (value, maxLength) => {
        const rows = flattenOrTypedError(value, maxLength);
        if (rows === undefined) return;
        // A record may bring its own `_dlt_id` of any type: rows link by the id's text, as the
        // `_dlt_id` text column stores it (`true` → 'True', as Python's str()).
        const idText = (id: unknown) => {
          const coerced = coerceValue(id, 'text');
          return coerced.ok ? coerced.value : id;
        };
        const ids = new Set<unknown>();
        const rootId = idText(rows[0]?.row._dlt_id);
        for (const [index, { table, parentTable, row }] of rows.entries()) {
          expect(Array.from(table).length).toBeLessThanOrEqual(maxLength);
          for (const column of Object.keys(row))
            expect(Array.from(column).length).toBeLessThanOrEqual(maxLength);
          expect(row._dlt_id).toBeDefined();
          if (index > 0) {
            expect(parentTable).toBeDefined();
            expect(ids.has(row._dlt_parent_id)).toBe(true);
            expect(idText(row._dlt_root_id)).toBe(rootId);
            expect(Number.isInteger(row._dlt_list_idx)).toBe(true);
          }
          ids.add(idText(row._dlt_id));
        }
      }),
      NUM_RUNS,
    );
  });

  it('types every value it emits, and the value fits the type inferred from it', () => {
    const detections = fc.subarray([...DETECTIONS]);
    fc.assert(
      fc.property(record, detections, (value, chosen) => {
        for (const { row } of flattenOrTypedError(value, 63) ?? ([] as NormalizedRow[])) {
          for (const cell of Object.values(row)) {
            if (cell === null) continue;
            const type = inferDataType(cell, chosen);
            expect(type).toBeDefined();
            expect(coerceValue(cell, type!).ok).toBe(true);
          }
        }
      }),
      NUM_RUNS,
    );
  });

  it('coerces any value into any column type without throwing', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(...DATA_TYPES), (value, type) => {
        const result = coerceValue(value, type);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('the exact JSON parsers under arbitrary input', () => {
  const response = (body: Buffer | string, contentType = 'application/json') => ({
    status: 200,
    headers: { 'content-type': contentType },
    body: Buffer.from(body),
    url: 'http://127.0.0.1/items',
  });

  it('parseJsonText(toCompactJson(v)) gives v back: big integers, integral floats, unicode keys', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(parseJsonText(toCompactJson(value))).toEqual(value);
      }),
      NUM_RUNS,
    );
  });

  it('a response body parses back to the value it was written from, however it is written', () => {
    fc.assert(
      fc.property(json, fc.boolean(), (value, compact) => {
        const text = compact ? toCompactJson(value) : stringifyExact(value);
        const parsed = parseJsonBody(response(text), 'GET', 'http://127.0.0.1/items');
        if (compact) expect(parsed).toEqual(value);
        // stringifyExact writes an integral float as an integer: it may come back as one, same value.
        else expect(sameValues(value, parsed)).toBe(true);
      }),
      NUM_RUNS,
    );
  });

  it('keeps a body that is one big integer or one integral float exact (found by the property above)', () => {
    const parse = (text: string) => parseJsonBody(response(text), 'GET', 'http://127.0.0.1/items');
    expect(parse('9007199254740993')).toBe(9007199254740993n);
    expect(parse(' 5.0 ')).toEqual(new JsonDouble(5));
  });

  it('any bytes as a response body give JSON or a typed error', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: 'binary', maxLength: 64 }),
      json
        .map((value) => toCompactJson(value))
        .chain((text) => fc.integer({ min: 0, max: text.length }).map((cut) => text.slice(0, cut))),
      json.map((value) => `\ufeff${toCompactJson(value)}`),
      fc.constantFrom('<html>Maintenance</html>', '', ' ', 'null', '{"a":1e999}', '[1,]', '{"a":1}{"b":2}'),
    );
    fc.assert(
      fc.property(bodies, fc.constantFrom('application/json', 'text/html', 'text/plain'), (body, type) => {
        try {
          parseJsonBody(response(body, type), 'GET', 'http://127.0.0.1/items');
        } catch (error) {
          expect(error).toBeInstanceOf(TributaryError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
