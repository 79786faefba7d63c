import type { ClientConfig } from 'pg';
import { secretRegistry } from '../../config/secret-registry.js';
import { lookupSecret, type SecretSources } from '../../config/secrets.js';
import { ConfigError } from '../../errors/tributary-error.js';

/** Connection parts, named as in dlt's `ConnectionStringCredentials`. */
export interface PostgresCredentials {
  host?: string;
  port?: number | string;
  username?: string;
  password?: string;
  database?: string;
}

export interface PostgresConnection {
  /** What `pg` connects with. */
  config: ClientConfig;
  /** `host:port`, for messages. */
  address: string;
  /** The URL without the password, safe to print. */
  location: string;
}

const KEY = 'destination.postgres.credentials';
const PARTS = ['host', 'port', 'username', 'password', 'database'] as const;

/**
 * The connection from a `postgresql://user:password@host:port/database` URL (query parameters such
 * as `sslmode` are passed to `pg`) or from parts. The password is registered as a secret, so it is
 * masked wherever it might show up; it is never part of `location`.
 *
 * @example resolvePostgresConnection('postgresql://loader:pw@db.internal:5432/analytics').location
 * // 'postgresql://loader@db.internal:5432/analytics'
 */
export function resolvePostgresConnection(credentials: string | PostgresCredentials): PostgresConnection {
  const parts = typeof credentials === 'string' ? partsOfUrl(credentials) : credentials;
  const host = parts.host || 'localhost';
  const port = Number(parts.port ?? 5432);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ConfigError(`Postgres credentials: port "${String(parts.port)}" is not a port number`);
  }
  if (parts.password) secretRegistry.add(parts.password);
  const user = parts.username ? `${encodeURIComponent(parts.username)}@` : '';
  const database = parts.database ?? '';
  const hostText = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const location = `postgresql://${user}${hostText}:${port}/${encodeURIComponent(database)}`;
  const config: ClientConfig =
    typeof credentials === 'string'
      ? { connectionString: credentials }
      : {
          host,
          port,
          ...(parts.username ? { user: parts.username } : {}),
          ...(parts.password ? { password: parts.password } : {}),
          ...(parts.database ? { database: parts.database } : {}),
        };
  return { config, address: `${hostText}:${port}`, location };
}

function partsOfUrl(text: string): PostgresCredentials {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text itself is not quoted: it may hold a password.
    throw new ConfigError(
      'Postgres credentials are not a URL; write postgresql://user:password@host:5432/database',
    );
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError(
      `Postgres credentials must be a postgresql:// URL, not ${url.protocol}//…; write postgresql://user:password@host:5432/database`,
    );
  }
  const decode = (s: string) => (s === '' ? undefined : decodeURIComponent(s));
  const parts: PostgresCredentials = {};
  const host = decode(url.hostname.replace(/^\[|\]$/g, '')) ?? url.searchParams.get('host') ?? undefined;
  const username = decode(url.username);
  const password = decode(url.password);
  const database = decode(url.pathname.replace(/^\//, ''));
  if (host !== undefined) parts.host = host;
  if (url.port !== '') parts.port = url.port;
  if (username !== undefined) parts.username = username;
  if (password !== undefined) parts.password = password;
  if (database !== undefined) parts.database = database;
  return parts;
}

/**
 * Postgres credentials where dlt keeps them: `DESTINATION__POSTGRES__CREDENTIALS` (a URL), or its
 * parts `DESTINATION__POSTGRES__CREDENTIALS__HOST`, `…__PORT`, `…__USERNAME`, `…__PASSWORD`,
 * `…__DATABASE`; then `[destination.postgres] credentials = "postgresql://…"` or a
 * `[destination.postgres.credentials]` table in `.tributary/secrets.toml` or `.dlt/secrets.toml`.
 */
export function postgresCredentialsFrom(sources: SecretSources): string | PostgresCredentials {
  const whole = lookupSecret(KEY, sources);
  if (whole !== undefined && !whole.startsWith('{')) return whole;
  const table = whole === undefined ? {} : (JSON.parse(whole) as Record<string, unknown>);
  const parts: PostgresCredentials = {};
  for (const name of PARTS) {
    const value = table[name] ?? lookupSecret(`${KEY}.${name}`, sources);
    if (value !== undefined && value !== null) parts[name] = String(value);
  }
  if (Object.keys(parts).length === 0) {
    throw new ConfigError(
      'destination postgres needs credentials: set DESTINATION__POSTGRES__CREDENTIALS=postgresql://user:password@host:5432/database (or [destination.postgres] credentials in .dlt/secrets.toml)',
    );
  }
  return parts;
}
