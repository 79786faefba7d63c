import { describe, expect, it } from 'vitest';
import { FilterError, filterClause, formatRowFilter, parseRowFilter } from './row-filter.js';

describe('parseRowFilter', () => {
  it('reads an equality with or without quotes around the value', () => {
    expect(parseRowFilter("status = 'done'")).toEqual({ column: 'status', op: 'eq', value: 'done' });
    expect(parseRowFilter('status=done')).toEqual({ column: 'status', op: 'eq', value: 'done' });
    expect(parseRowFilter('name = "a b"')).toEqual({ column: 'name', op: 'eq', value: 'a b' });
  });

  it('reads a contains filter and keeps operators inside the value', () => {
    expect(parseRowFilter('name ~ x = y ~ z')).toEqual({
      column: 'name',
      op: 'contains',
      value: 'x = y ~ z',
    });
  });

  it('is no filter for empty text and refuses text without an operator', () => {
    expect(parseRowFilter('  ')).toBeUndefined();
    expect(() => parseRowFilter('status done')).toThrow(FilterError);
  });

  it('writes back what it reads', () => {
    expect(formatRowFilter({ column: 'status', op: 'contains', value: 'do' })).toBe('status ~ do');
  });
});

describe('filterClause', () => {
  const columns = ['id', 'status', 'we"ird'];

  it('binds the value and quotes the column', () => {
    expect(filterClause({ column: 'status', op: 'eq', value: "x' OR 1=1 --" }, columns)).toEqual({
      sql: 'WHERE CAST("status" AS VARCHAR) = $1',
      params: ["x' OR 1=1 --"],
    });
    expect(filterClause({ column: 'we"ird', op: 'contains', value: 'A' }, columns, 3)).toEqual({
      sql: 'WHERE strpos(lower(CAST("we""ird" AS VARCHAR)), lower($3)) > 0',
      params: ['A'],
    });
  });

  it('refuses a column the table does not have', () => {
    expect(() => filterClause({ column: 'id" = 1 OR "id', op: 'eq', value: '1' }, columns)).toThrow(
      /no column "id" = 1 OR "id" in this table/,
    );
  });

  it('is empty without a filter', () => {
    expect(filterClause(undefined, columns)).toEqual({ sql: '', params: [] });
  });
});
