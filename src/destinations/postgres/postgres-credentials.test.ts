import { describe, expect, it } from 'vitest';
import { secretRegistry } from '../../config/secret-registry.js';
import { postgresCredentialsFrom, resolvePostgresConnection } from './postgres-credentials.js';

const sources = (env: Record<string, string>) => ({ env, projectDir: '/nonexistent-project-dir' });

describe('Postgres credentials', () => {
  it('shows the URL without its password and registers the password as a secret', () => {
    const connection = resolvePostgresConnection(
      'postgresql://loader:pa%40ss-w0rd-91@db.internal:6543/analytics',
    );
    expect(connection.location).toBe('postgresql://loader@db.internal:6543/analytics');
    expect(connection.address).toBe('db.internal:6543');
    expect(connection.config).toEqual({
      connectionString: 'postgresql://loader:pa%40ss-w0rd-91@db.internal:6543/analytics',
    });
    expect(secretRegistry.redact('auth pa@ss-w0rd-91 and pa%40ss-w0rd-91')).toBe('auth *** and ***');
  });

  it('defaults to localhost:5432 and takes parts', () => {
    const connection = resolvePostgresConnection({
      username: 'me',
      password: 'parts-secret-1',
      database: 'db',
    });
    expect(connection.location).toBe('postgresql://me@localhost:5432/db');
    expect(connection.config).toMatchObject({ host: 'localhost', port: 5432, user: 'me', database: 'db' });
  });

  it('refuses a URL of another scheme and does not quote a malformed one', () => {
    expect(() => resolvePostgresConnection('mysql://u:p@h/db')).toThrow(/must be a postgresql:\/\/ URL/);
    expect(() => resolvePostgresConnection('not a url with secret-xyz')).toThrow(
      'Postgres credentials are not a URL; write postgresql://user:password@host:5432/database',
    );
  });

  it('reads dlt variables: the whole URL, or its parts', () => {
    expect(
      postgresCredentialsFrom(sources({ DESTINATION__POSTGRES__CREDENTIALS: 'postgresql://a@h/d' })),
    ).toBe('postgresql://a@h/d');
    expect(
      postgresCredentialsFrom(
        sources({
          DESTINATION__POSTGRES__CREDENTIALS__HOST: 'h',
          DESTINATION__POSTGRES__CREDENTIALS__PORT: '5433',
          DESTINATION__POSTGRES__CREDENTIALS__USERNAME: 'u',
          DESTINATION__POSTGRES__CREDENTIALS__DATABASE: 'd',
        }),
      ),
    ).toEqual({ host: 'h', port: '5433', username: 'u', database: 'd' });
  });

  it('says which variable to set when there are none', () => {
    expect(() => postgresCredentialsFrom(sources({}))).toThrow(
      /needs credentials: set DESTINATION__POSTGRES__CREDENTIALS=postgresql:\/\/user:password@host:5432\/database/,
    );
  });
});
