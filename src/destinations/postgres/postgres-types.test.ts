import { describe, expect, it } from 'vitest';
import type { ColumnSchema } from '../../schema/schema-types.js';
import { postgresType } from './postgres-types.js';

const column = (hints: Omit<ColumnSchema, 'name'>): ColumnSchema => ({ name: 'c', ...hints });

describe('postgresType', () => {
  it.each([
    [{ data_type: 'text' }, 'varchar'],
    [{ data_type: 'text', precision: 64 }, 'varchar(64)'],
    [{ data_type: 'double' }, 'double precision'],
    [{ data_type: 'bool' }, 'boolean'],
    [{ data_type: 'bigint' }, 'bigint'],
    [{ data_type: 'bigint', precision: 8 }, 'smallint'],
    [{ data_type: 'bigint', precision: 16 }, 'smallint'],
    [{ data_type: 'bigint', precision: 32 }, 'integer'],
    [{ data_type: 'bigint', precision: 64 }, 'bigint'],
    [{ data_type: 'timestamp' }, 'timestamp with time zone'],
    [{ data_type: 'timestamp', precision: 3 }, 'timestamp (3) with time zone'],
    [{ data_type: 'timestamp', timezone: false }, 'timestamp without time zone'],
    [{ data_type: 'date' }, 'date'],
    [{ data_type: 'time' }, 'time without time zone'],
    [{ data_type: 'time', precision: 3 }, 'time (3) without time zone'],
    [{ data_type: 'decimal' }, 'numeric(38,9)'],
    [{ data_type: 'decimal', precision: 10, scale: 2 }, 'numeric(10,2)'],
    [{ data_type: 'wei' }, 'numeric(156,78)'],
    [{ data_type: 'json' }, 'jsonb'],
    [{ data_type: 'binary' }, 'bytea'],
  ] as const)('maps %o to %s as dlt does', (hints, expected) => {
    expect(postgresType(column(hints))).toBe(expected);
  });

  it('refuses an integer wider than 64 bits, naming the column', () => {
    expect(() => postgresType(column({ data_type: 'bigint', precision: 128 }))).toThrow(
      'column c: bigint with 128 bits precision has no Postgres integer type',
    );
  });
});
