import { describe, expect, it } from 'vitest';
import { describePostgresError, isConnectionLost, isTransientPostgresError } from './postgres-errors.js';

const pgError = (message: string, fields: Record<string, string>) =>
  Object.assign(new Error(message), fields);

describe('Postgres errors', () => {
  it.each([
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['53300', 'too many connections'],
    ['57P03', 'the server is starting up'],
    ['08006', 'connection failure'],
    ['ECONNRESET', 'connection reset'],
    ['ECONNREFUSED', 'server down'],
  ])('treats %s (%s) as transient', (code) => {
    expect(isTransientPostgresError(pgError('x', { code }))).toBe(true);
  });

  it.each([
    ['23505', 'unique violation'],
    ['22P02', 'invalid text representation'],
    ['28P01', 'wrong password'],
    ['42P01', 'undefined table'],
  ])('treats %s (%s) as terminal', (code) => {
    expect(isTransientPostgresError(pgError('x', { code }))).toBe(false);
  });

  it("treats pg's closed-socket error as transient and the connection as lost", () => {
    const error = new Error('Connection terminated unexpectedly');
    expect(isTransientPostgresError(error)).toBe(true);
    expect(isConnectionLost(error)).toBe(true);
    expect(isConnectionLost(pgError('bad value', { code: '22P02' }))).toBe(false);
  });

  it('names the COPY line and column and the SQLSTATE', () => {
    const error = pgError('invalid input syntax for type bigint: "abc"', {
      code: '22P02',
      where: 'COPY items, line 3, column id: "abc"',
    });
    expect(describePostgresError(error)).toBe(
      'invalid input syntax for type bigint: "abc" [COPY items, line 3, column id: "abc"] (SQLSTATE 22P02)',
    );
  });
});
