import { describe, expect, it } from 'vitest';
import { secretRegistry } from '../config/secret-registry.js';
import { syntaxReason } from './syntax-reason.js';
import { ConfigError, TributaryError } from './tributary-error.js';

describe('TributaryError', () => {
  it('masks registered secrets in its message, its stack and its context when it is made', () => {
    const secret = `fake-error-secret-${Date.now()}`;
    secretRegistry.add(secret);
    const error = new TributaryError('HTTP_STATUS', `GET http://h/x/${secret} failed: 401 ${secret}`, {
      context: { url: `http://h/x/${secret}`, sql: `SELECT '${secret}'` },
    });
    expect(error.message).toBe('GET http://h/x/*** failed: 401 ***');
    expect(error.stack).not.toContain(secret);
    expect(error.context).toEqual({ url: 'http://h/x/***', sql: "SELECT '***'" });
    expect(new ConfigError(`bad ${secret}`).message).toBe('bad ***');
  });
});

describe('syntaxReason', () => {
  const reasonOf = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      return syntaxReason(error);
    }
    throw new Error('expected a parse error');
  };

  it('drops the text V8 quotes from the source, which may hold a secret', () => {
    const secret = 'fake_secret_value_1234567890';
    for (const text of [`{"token": ${secret}}`, `${secret}`, `x{"token": "${secret}"}`, '"abc" x']) {
      const reason = reasonOf(() => JSON.parse(text));
      expect(reason).not.toMatch(/fake_|"/);
      expect(reason.length).toBeGreaterThan(5);
    }
  });

  it('keeps the position and only the first line', () => {
    expect(reasonOf(() => JSON.parse('{"a": 1 x}'))).toBe(
      "Expected ',' or '}' after property value in JSON at position 8",
    );
    expect(syntaxReason(new Error('Missing closing "quote at line 3, column 6:\n\n  token: "sk_x\n'))).toBe(
      'Missing closing "quote at line 3, column 6',
    );
  });
});
