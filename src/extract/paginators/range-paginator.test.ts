import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../normalize/json-values.js';
import { OffsetPaginator, PageNumberPaginator } from './offset-paginator.js';
import { walkParams as walk } from './paginator-walk.fixture.js';

describe('range paginators: totals', () => {
  it('fails when a non-empty page lacks an explicitly configured total, and says how to turn totals off', () => {
    const p = new OffsetPaginator({ type: 'offset', limit: 10, total_path: 'total' });
    expect(() => walk(p, [{ body: { items: [] }, n: 10 }])).toThrow(/total_path: null/);
    const q = new OffsetPaginator({ type: 'offset', limit: 10, total_path: 'meta.total' });
    expect(() => walk(q, [{ body: { meta: { total: null } }, n: 10 }])).toThrow(/"meta.total"/);
  });

  it("fails on a total that Python's int() refuses", () => {
    for (const total of ['invalid', '20.0', '2e1', [20]]) {
      const p = new OffsetPaginator({ type: 'offset', limit: 10 });
      expect(() => walk(p, [{ body: { total }, n: 10 }])).toThrow(/not an integer/);
    }
  });

  it('reads totals as Python\'s int() does: " 20 ", 1_000, 25.9 → 25', () => {
    const offsets = (total: JsonValue) =>
      walk(
        new OffsetPaginator({ type: 'offset', limit: 10 }),
        [0, 1, 2, 3].map(() => ({ body: { total }, n: 10 })),
      ).map((s) => s.offset);
    expect(offsets(' 20 ')).toEqual([0, 10]);
    expect(offsets(25.9)).toEqual([0, 10, 20]);
    expect(offsets('1_000')).toHaveLength(4);
  });

  describe('with the default total_path and no total in the responses (beyond dlt, dlt-hub/dlt#4429)', () => {
    it('keeps paging until an empty page and says why it stopped', () => {
      const p = new OffsetPaginator({ type: 'offset', limit: 10 });
      const sent = walk(p, [
        { body: { items: [] }, n: 10 },
        { body: { total: null }, n: 10 },
        { body: {}, n: 0 },
        { body: {}, n: 10 },
      ]);
      expect(sent.map((s) => s.offset)).toEqual([0, 10, 20]);
      expect(p.stopReason).toBe('empty page (the responses carry no "total")');
    });

    it('still stops at a total that does appear', () => {
      const p = new OffsetPaginator({ type: 'offset', limit: 10 });
      const sent = walk(p, [
        { body: {}, n: 10 },
        { body: { total: 20 }, n: 10 },
        { body: {}, n: 10 },
      ]);
      expect(sent).toHaveLength(2);
      expect(p.stopReason).toBe('reached total 20 items');
    });

    it('fails as dlt does when stop_after_empty_page is off', () => {
      const p = new OffsetPaginator({ type: 'offset', limit: 10, stop_after_empty_page: false });
      expect(() => walk(p, [{ body: {}, n: 10 }])).toThrow(/total items not found/);
    });

    it('applies to page_number too', () => {
      const p = new PageNumberPaginator({ type: 'page_number', base_page: 1 });
      const sent = walk(p, [
        { body: {}, n: 5 },
        { body: {}, n: 5 },
        { body: {}, n: 0 },
      ]);
      expect(sent).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }]);
      expect(p.stopReason).toBe('empty page (the responses carry no "total")');
    });
  });
});
