import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonObject, type JsonValue } from './json-values.js';
import { createNaming, normalizePath } from './naming.js';
import { NameCollisionError } from './normalize-errors.js';
import { flatten, naming, ROOT } from './relational.fixture.js';
import { flattenRecord } from './relational.js';

// What flattenRecord guarantees beyond reproducing dlt (dlt's vectors are in relational.test.ts).
const rootSys = { _dlt_load_id: 'LOAD1', _dlt_id: ROOT };

describe('flattenRecord beyond dlt', () => {
  it('draws a random root id by default', () => {
    const rows = flattenRecord({ a: 1 }, { table: 't', naming, loadId: 'L', rootKey: false });
    expect(rows[0]!.row._dlt_id).toMatch(/^[A-Za-z0-9+/]{14}$/);
  });

  it('refuses two keys that normalize to the same column, naming both', () => {
    const attempt = () => flatten({ userId: 1, user_id: 2 }, { table: 'users' });
    expect(attempt).toThrow(NameCollisionError);
    expect(attempt).toThrow(
      'Keys "userId" and "user_id" both normalize to the column "user_id" of table "users"',
    );
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'NAME_COLLISION', context: { table: 'users', column: 'user_id' } });
    }
  });

  it('refuses collisions across nesting levels and between nested tables', () => {
    expect(() => flatten({ a: { b: 1 }, a__b: 2 })).toThrow(
      'Keys "a__b" and "a" > "b" both normalize to the column "a__b"',
    );
    expect(() => flatten({ items: [1], Items: [2] })).toThrow('to the nested table "items" of table "t"');
    expect(() => flatten({ l: [{ '': 2, ' ': 3 }] })).toThrow('of table "t__l"');
    expect(() => flatten({ userId: null, user_id: 1 })).toThrow(NameCollisionError);
  });

  it('refuses exactly the records where two key paths share a column or a nested table', () => {
    // The names every key path takes, worked out independently of the flattener's bookkeeping.
    const names = (
      object: JsonObject,
      prefix = '',
      out = { columns: [] as string[], lists: [] as string[] },
    ) => {
      for (const [key, value] of Object.entries(object)) {
        const name = normalizePath(key) || '_empty';
        const path = prefix === '' ? name : `${prefix}__${name}`;
        if (isJsonObject(value)) names(value, path, out);
        else if (Array.isArray(value)) out.lists.push(path);
        else out.columns.push(path);
      }
      return out;
    };
    const hasDuplicate = (list: string[]) => new Set(list).size < list.length;
    const key = fc.constantFrom('id', 'Id', 'userId', 'user_id', 'a', 'A', 'a__b', 'b', '', '__', 'list');
    const leaf = fc.oneof(fc.constant(null), fc.integer(), fc.constant([1]), fc.constant([]));
    const record = fc.letrec((tie) => ({
      object: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, leaf, tie('object')), { maxKeys: 5 }),
    })).object as fc.Arbitrary<JsonObject>;
    let refused = 0;
    fc.assert(
      fc.property(record, (object) => {
        const { columns, lists } = names(object);
        const collides = hasDuplicate(columns) || hasDuplicate(lists);
        try {
          const [root] = flatten(object);
          expect(collides).toBe(false);
          expect(Object.keys(root!.row)).toHaveLength(columns.length + 2);
        } catch (error) {
          if (!(error instanceof NameCollisionError)) throw error;
          refused++;
          expect(collides).toBe(true);
          const [first, second] = error.collision.sources;
          expect(first).not.toEqual(second);
        }
      }),
      { numRuns: 1000 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('allows keys that share a normalized prefix but not a column', () => {
    const [root] = flatten({ a: { x: 1 }, A: { y: 2 }, tags: ['q'], Tags: 'x' });
    expect(Object.entries(root!.row)).toEqual(Object.entries({ tags: 'x', a__y: 2, a__x: 1, ...rootSys }));
  });

  it('does not overflow the stack on 10,000 levels of nested dicts or lists', () => {
    let dicts: JsonValue = 1;
    let lists: JsonValue = 1;
    for (let i = 0; i < 10_000; i++) {
      dicts = { a: dicts };
      lists = [lists];
    }
    const dictRows = flatten(dicts);
    expect(dictRows).toHaveLength(1);
    const column = Array(1001).fill('a').join('__');
    expect(Object.keys(dictRows[0]!.row)).toEqual([column, '_dlt_load_id', '_dlt_id']);
    const listRows = flatten({ l: lists });
    expect(listRows.length).toBeGreaterThan(100);
    expect(Array.isArray(listRows.at(-1)!.row.list)).toBe(true);
    let shallower: JsonValue = 1;
    for (let i = 0; i < 2_000; i++) shallower = [shallower];
    expect(flatten({ l: shallower }, { maxNesting: 10_000 })).toHaveLength(2_001);
  });

  it('never throws anything but NameCollisionError on arbitrary JSON', () => {
    const json = fc.jsonValue({ maxDepth: 6 }) as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(json, fc.boolean(), fc.integer({ min: 0, max: 5 }), (record, rootKey, maxNesting) => {
        try {
          const rows = flatten(record, { rootKey, maxNesting, naming: createNaming(16) });
          expect(rows[0]!.table).toBe('t');
          for (const { row } of rows) expect(row._dlt_id).toBeDefined();
        } catch (error) {
          if (!(error instanceof NameCollisionError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
