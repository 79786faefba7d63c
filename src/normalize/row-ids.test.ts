import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonDouble } from './json-values.js';
import { childRowId, keyHashRowId, randomRowId, rowHashId } from './row-ids.js';

// Vectors from dlt 1.26.0 (`get_nested_row_hash`, `get_row_hash`) and reference §2.4 / §10.
describe('randomRowId', () => {
  it('is 14 characters of standard base64 without padding', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomRowId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{14}$/);
  });
});

describe('childRowId', () => {
  it('hashes parent id, nested table and list index like dlt', () => {
    expect(childRowId('xckkyP06CR5now', 'dim_test__c2', 0)).toBe('DVp8ashfqPeSOA');
    expect(childRowId('jEXQRbJE06voSA', 'dim_test__c2', 0)).toBe('fnGe0kXmwR/ncw');
    expect(childRowId('jEXQRbJE06voSA', 'dim_test__c2', 1)).toBe('HScKaAcv1HMq3Q');
  });

  it('is the first 10 bytes of shake_128 in base64 for any text, non-ASCII included', () => {
    const reference = (text: string) => hash('shake128', text, 'buffer').subarray(0, 10).toString('base64');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(1000), (table, index) => {
        const id = childRowId('xckkyP06CR5now', table, index);
        expect(`${id}==`).toBe(reference(`xckkyP06CR5now_${table}_${index}`));
      }),
      { numRuns: 500 },
    );
  });

  it('changes when the table or the parent changes', () => {
    const id = childRowId('xckkyP06CR5now', 'dim_test__c2', 0);
    expect(childRowId('xckkyP06CR5now', 'dim_test__c3', 0)).not.toBe(id);
    expect(childRowId('xckkyP06CR5nox', 'dim_test__c2', 0)).not.toBe(id);
  });
});

describe('rowHashId', () => {
  it('hashes the whole original item with sorted keys like dlt', () => {
    expect(rowHashId({ nk: 1, c1: 'foo', c2: { nc1: 'foo' } })).toBe('OTPbGyxWlJzmpA');
    expect(rowHashId({ nk: 2, c1: 'bar', c2: { nc1: 'bar' } })).toBe('S41QIpRa9Fwh0w');
    expect(rowHashId({ c2: { nc1: 'foo' }, nk: 1, c1: 'foo' })).toBe('OTPbGyxWlJzmpA');
    expect(rowHashId({ nk: 1, c1: 'foo', c2: [1] })).toBe('xckkyP06CR5now');
    expect(rowHashId({ nk: 2, c1: 'bar', c2: [2, 3] })).toBe('jEXQRbJE06voSA');
  });

  it('leaves out top-level keys that start with _dlt', () => {
    expect(rowHashId({ nk: 1, c1: 'foo', c2: [1], _dlt_id: 'x', _dltx: 1, __dlt: 2 })).toBe('ECuKDlLURQKMfw');
  });
});

describe('keyHashRowId', () => {
  it('hashes the primary-key values like dlt', () => {
    expect(keyHashRowId({ id: 1 })).toBe('z5jIxXIbUnmbKw');
    const compound = { id: 'abc', b: 2.5, a: { z: 1, y: [new JsonDouble(1), null, true, 'é😀'] } };
    expect(keyHashRowId(compound)).toBe('3azdgd+9EGyPgQ');
  });
});
