import { describe, expect, it } from 'vitest';
import { JsonDouble } from './json-values.js';
import { createNaming } from './naming.js';
import { flatten, naming, ROOT } from './relational.fixture.js';
import { flattenRecord, type NormalizedRow } from './relational.js';
import { childRowId, rowHashId } from './row-ids.js';

// Expected rows are the output of dlt 1.26.0's relational normalizer for the same item, with its random
// root id replaced by ROOT (as the `rootId` option does here).

/** Rows as `[table, parentTable, row]` with keys in order, so column order is compared too. */
function shape(rows: NormalizedRow[]): Array<[string, string | undefined, Array<[string, unknown]>]> {
  return rows.map(({ table, parentTable, row }) => [table, parentTable, Object.entries(row)]);
}

function expectRows(
  rows: NormalizedRow[],
  expected: Array<[string, string | undefined, Record<string, unknown>]>,
) {
  expect(shape(rows)).toEqual(expected.map(([table, parent, row]) => [table, parent, Object.entries(row)]));
}

const link = (parent: string, idx: number, id: string) => ({
  _dlt_parent_id: parent,
  _dlt_list_idx: idx,
  _dlt_id: id,
});
const rootSys = { _dlt_load_id: 'LOAD1', _dlt_id: ROOT };

describe('flattenRecord', () => {
  it('links nested rows to their parent like dlt (users and pets)', () => {
    const item = {
      id: 1,
      name: 'Alice',
      pets: [
        { id: 10, name: 'Fluffy', type: 'cat' },
        { id: 11, name: 'Rex', type: 'dog' },
      ],
    };
    const rows = flatten(item, { table: 'users', rootId: () => 'Pw1Jd0d2Oq+1aQ' });
    expectRows(rows, [
      ['users', undefined, { id: 1, name: 'Alice', _dlt_load_id: 'LOAD1', _dlt_id: 'Pw1Jd0d2Oq+1aQ' }],
      [
        'users__pets',
        'users',
        { id: 10, name: 'Fluffy', type: 'cat', ...link('Pw1Jd0d2Oq+1aQ', 0, '1Lj76aNKgZsBnQ') },
      ],
      [
        'users__pets',
        'users',
        { id: 11, name: 'Rex', type: 'dog', ...link('Pw1Jd0d2Oq+1aQ', 1, 'Rscfw/cjvGhk/w') },
      ],
    ]);
  });

  it('propagates the root id to every nested row when root key is on', () => {
    const id = 'Pw1Jd0d2Oq+1aQ';
    const rows = flatten(
      { id: 2, pets: [{ id: 12, tags: ['old', 'fat'] }] },
      { table: 'users', rootKey: true, rootId: () => id },
    );
    const root = { _dlt_root_id: id };
    expectRows(rows, [
      ['users', undefined, { id: 2, _dlt_load_id: 'LOAD1', _dlt_id: id }],
      ['users__pets', 'users', { id: 12, ...root, ...link(id, 0, '1Lj76aNKgZsBnQ') }],
      [
        'users__pets__tags',
        'users__pets',
        { value: 'old', ...root, ...link('1Lj76aNKgZsBnQ', 0, 'V/878Hmes0rv0Q') },
      ],
      [
        'users__pets__tags',
        'users__pets',
        { value: 'fat', ...root, ...link('1Lj76aNKgZsBnQ', 1, '1nPOwEr9AfLDRw') },
      ],
    ]);
  });

  it('reproduces the scd2 child id vector when the root id is the row hash', () => {
    const rows = flatten(
      { nk: 1, c1: 'foo', c2: [1] },
      { table: 'dim_test', rootId: (_, item) => rowHashId(item) },
    );
    expectRows(rows, [
      ['dim_test', undefined, { nk: 1, c1: 'foo', _dlt_load_id: 'LOAD1', _dlt_id: 'xckkyP06CR5now' }],
      ['dim_test__c2', 'dim_test', { value: 1, ...link('xckkyP06CR5now', 0, 'DVp8ashfqPeSOA') }],
    ]);
  });

  it('emits scalars first and nested dicts afterwards in reverse order, lists likewise', () => {
    const rows = flatten({ a: { b: { c: { d: 1 } }, l: [1] }, m: { n: [2] }, k: [3] }, { maxNesting: 2 });
    expectRows(rows, [
      ['t', undefined, { a__b__c: { d: 1 }, ...rootSys }],
      ['t__k', 't', { value: 3, ...link(ROOT, 0, 'B+JakYwtsBzSfA') }],
      ['t__m__n', 't', { value: 2, ...link(ROOT, 0, 'X7RPf+chNrFFJA') }],
      ['t__a__l', 't', { value: 1, ...link(ROOT, 0, 'Y5bvX1No67pDSg') }],
    ]);
    expect(Object.keys(flatten({ a: { x: 1 }, b: { y: 2 }, c: 3 })[0]!.row)).toEqual([
      'c',
      'b__y',
      'a__x',
      '_dlt_load_id',
      '_dlt_id',
    ]);
  });

  it('turns lists of lists into __list tables', () => {
    const rows = flatten({ webpath: [[{ a: 1 }, 2, [3]]] }, { table: 'zen' });
    expectRows(rows, [
      ['zen', undefined, rootSys],
      ['zen__webpath', 'zen', link(ROOT, 0, 'WaPDhGITY9qyPQ')],
      ['zen__webpath__list', 'zen__webpath', { a: 1, ...link('WaPDhGITY9qyPQ', 0, '4K9Q7acCBS6roA') }],
      ['zen__webpath__list', 'zen__webpath', { value: 2, ...link('WaPDhGITY9qyPQ', 1, 'iMStPPa/wmA/aA') }],
      ['zen__webpath__list', 'zen__webpath', link('WaPDhGITY9qyPQ', 2, 'b8OEN1W3zRtw+g')],
      [
        'zen__webpath__list__list',
        'zen__webpath__list',
        { value: 3, ...link('b8OEN1W3zRtw+g', 0, 'rGUAQXBGHySo2Q') },
      ],
    ]);
  });

  it('wraps a non-object item as {value: item}', () => {
    expectRows(flatten(1, { table: 'simplex' }), [['simplex', undefined, { value: 1, ...rootSys }]]);
    const rows = flatten([1, 2, 3, 4, 'A'], { table: 'listex' });
    expect(rows.map((r) => r.table)).toEqual(['listex', ...Array(5).fill('listex__value')]);
    expect(rows.map((r) => r.row._dlt_id)).toEqual([
      ROOT,
      'LZi/gk/4Pqqt9Q',
      'cL5Smmsdo8OxtQ',
      '8wH5Fvdp3BqDmw',
      'KS4MG7vq17KMiQ',
      'WGjlfYrfNiBeEg',
    ]);
  });

  it('keeps nulls, makes no rows for empty lists and no columns for empty dicts', () => {
    expectRows(flatten({ a: null, l: [null, 1], e: {}, f: [] }), [
      ['t', undefined, { a: null, ...rootSys }],
      ['t__l', 't', { value: null, ...link(ROOT, 0, 'H/OmwkVcB327gA') }],
      ['t__l', 't', { value: 1, ...link(ROOT, 1, 'dnFIWljqTwF9aQ') }],
    ]);
  });

  it('keeps JSON doubles as they are', () => {
    const rows = flatten({ x: 1.5, w: { v: [new JsonDouble(1)] } });
    expect(rows[1]!.row.value).toEqual(new JsonDouble(1));
    expect(rows[1]!.row._dlt_id).toBe('9Cx1Yqy5qZ50oA');
  });

  it.each([
    [undefined, ['default', 'default__f', 'default__f__l', 'default__f__lo'], { e__v: 1 }],
    [0, ['default'], undefined],
    [1, ['default', 'default__f'], undefined],
    [2, ['default', 'default__f', 'default__f__l', 'default__f__lo'], { e: { v: 1 } }],
  ])('limits nesting to %s levels like dlt', (maxNesting, tables, loData) => {
    const item = { f: [{ l: ['a'], v: 120, lo: [{ e: { v: 1 } }] }] };
    const rows = flatten(item, { table: 'default', ...(maxNesting === undefined ? {} : { maxNesting }) });
    expect(rows.map((r) => r.table)).toEqual(tables);
    if (maxNesting === 0) expect(rows[0]!.row.f).toEqual(item.f);
    if (maxNesting === 1) expect(rows[1]!.row).toMatchObject({ l: ['a'], v: 120, lo: [{ e: { v: 1 } }] });
    if (loData) expect(rows[3]!.row).toEqual({ ...loData, ...link('5lK6jzydpLeM7Q', 0, 'iTcx04Jy0TuR/w') });
  });

  it('counts a list inside a list as one more level', () => {
    const rows = flatten({ a: { b: [[1, { c: { d: [2] } }]] } }, { maxNesting: 3 });
    expect(rows.map((r) => r.table)).toEqual(['t', 't__a__b', 't__a__b__list', 't__a__b__list']);
    expect(rows[3]!.row).toEqual({ c: { d: [2] }, ...link('uV3EfqaYqdvR9Q', 1, 'Cy5B9GC82hRd5Q') });
  });

  it('nests lists of lists level by level like dlt', () => {
    const item = { l: [[[[[1]]]]] };
    expect(flatten(item).map((r) => [r.table, r.row._dlt_id])).toEqual([
      ['t', ROOT],
      ['t__l', 'H/OmwkVcB327gA'],
      ['t__l__list', 'COzfiYJLHqVolg'],
      ['t__l__list__list', 'cyOlD9ZjsA2LnA'],
      ['t__l__list__list__list', 'cj3QgV/9fQ+9tw'],
      ['t__l__list__list__list__list', 'nd6XWxG4rQxvWQ'],
    ]);
    expectRows(flatten(item, { maxNesting: 4 }).slice(2), [
      ['t__l__list', 't__l', { list: [[[1]]], ...link('H/OmwkVcB327gA', 0, 'COzfiYJLHqVolg') }],
    ]);
  });

  it('keeps a dict or list whole under a column typed json', () => {
    const isJsonColumn = (table: string, column: string) =>
      table === 't' && (column === 'meta' || column === 'tags');
    const rows = flatten({ meta: { a: 1 }, tags: ['x'], other: { b: 2 } }, { isJsonColumn });
    expectRows(rows, [['t', undefined, { meta: { a: 1 }, tags: ['x'], other__b: 2, ...rootSys }]]);
  });

  it('normalizes keys and nested table names like dlt', () => {
    const rows = flatten({ 'f-1': 1, 'f!3': { f4: 2, 'f*6': { 'c v': 8, 'c x': [1] } } }, { table: 'tab' });
    expectRows(rows, [
      ['tab', undefined, { f_1: 1, f_3__f4: 2, f_3__fx6__c_v: 8, ...rootSys }],
      ['tab__f_3__fx6__c_x', 'tab', { value: 1, ...link(ROOT, 0, 'Tym3CHqv//whHg') }],
    ]);
  });

  it('shortens table and column names with tags of the full path', () => {
    const item = {
      createdAt: '2024-01-01',
      HTTPCode: 200,
      Address: { StreetName: 'x', geo: { lat: 1.5 } },
      Orders: [{ orderId: 1, lineItems: [{ sku: 'A' }] }],
    };
    const rows = flatten(item, { table: 'customers', naming: createNaming(16) });
    expectRows(rows, [
      [
        'customers',
        undefined,
        {
          created_at: '2024-01-01',
          http_code: 200,
          addret7gq2g_name: 'x',
          addre74is4a__lat: 1.5,
          ...rootSys,
        },
      ],
      ['custoqxjvpgrders', 'customers', { order_id: 1, ...link(ROOT, 0, 'Ro3sWydhGAa59w') }],
      ['custo2xe3jaitems', 'custoqxjvpgrders', { sku: 'A', ...link('Ro3sWydhGAa59w', 0, 'L8mf4XD6AYyuUw') }],
    ]);
  });

  it('names blank keys _empty, also where dlt would produce an empty name', () => {
    // dlt: { "": 5, b___empty: 2, _empty__a: 1 } and the rows of `""` in table `t` itself.
    expectRows(flatten({ '  ': { a: 1 }, __: 5, b: { '': 2 }, '': [1] }), [
      ['t', undefined, { _empty: 5, b___empty: 2, _empty__a: 1, ...rootSys }],
      ['t___empty', 't', { value: 1, ...link(ROOT, 0, '70uSqcyk9lnhUw') }],
    ]);
  });

  it("gives nested rows random ids under a random root id, and dlt's hash under any other", () => {
    const item = {
      a: 1,
      l: [
        { v: 1, m: [1, 2] },
        { v: 2, _dlt_id: 'OWNID', m: [3] },
      ],
    };
    const random = () => flattenRecord(item, { table: 't', naming, loadId: 'LOAD1', rootKey: true });
    const rows = random();
    const [root, l0, m00, m01, l1, m10] = rows.map((r) => r.row);
    const rootId = String(root!._dlt_id);
    for (const row of [root, l0, m00, m01]) expect(String(row!._dlt_id)).toMatch(/^[A-Za-z0-9+/]{14}$/);
    // Random, not derived: the ids differ from dlt's hash of their parent id, and between runs.
    expect(l0!._dlt_id).not.toBe(childRowId(rootId, 't__l', 0));
    expect(m00!._dlt_id).not.toBe(childRowId(String(l0!._dlt_id), 't__l__m', 0));
    expect(random()[1]!.row._dlt_id).not.toBe(l0!._dlt_id);
    expect(new Set(rows.map((r) => r.row._dlt_id)).size).toBe(rows.length);
    // Links and the root key are as before.
    expect([l0, l1].map((r) => [r!._dlt_parent_id, r!._dlt_list_idx, r!._dlt_root_id])).toEqual([
      [rootId, 0, rootId],
      [rootId, 1, rootId],
    ]);
    expect([m00, m01].map((r) => r!._dlt_parent_id)).toEqual([l0!._dlt_id, l0!._dlt_id]);
    // A row that brings its own id is no longer random: its nested rows get dlt's hash of it.
    expect(l1!._dlt_id).toBe('OWNID');
    expect(m10!._dlt_id).toBe(childRowId('OWNID', 't__l__m', 0));
    // A root id from `rootId` (upsert's key hash, scd2's row hash) keeps every nested id a hash.
    const hashed = flatten(item, { rootId: () => 'KEYHASH0000000' });
    expect(hashed[1]!.row._dlt_id).toBe(childRowId('KEYHASH0000000', 't__l', 0));
  });

  it('keeps a _dlt_id the record brings, in its position', () => {
    const rows = flatten({ a: 1, _dlt_id: 'MYID', l: [{ _dlt_id: 'CHILD', v: 1 }, { v: 2 }] });
    expectRows(rows, [
      ['t', undefined, { a: 1, _dlt_id: 'MYID', _dlt_load_id: 'LOAD1' }],
      // dlt leaves out the link columns of a row that brings its own id; we keep them.
      ['t__l', 't', { _dlt_id: 'CHILD', v: 1, _dlt_parent_id: 'MYID', _dlt_list_idx: 0 }],
      ['t__l', 't', { v: 2, ...link('MYID', 1, 'B7Pz/N6pRARxRg') }],
    ]);
  });

  it('replaces an empty _dlt_id and overwrites system columns in place, as dlt does', () => {
    expectRows(flatten({ _dlt_id: null, q: 1 }), [
      ['t', undefined, { _dlt_id: ROOT, q: 1, _dlt_load_id: 'LOAD1' }],
    ]);
    expectRows(flatten({ _dlt_load_id: 'x', _dlt_parent_id: 'p', q: 1 }), [
      ['t', undefined, { _dlt_load_id: 'LOAD1', _dlt_parent_id: 'p', q: 1, _dlt_id: ROOT }],
    ]);
  });
});
