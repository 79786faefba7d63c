import { secretRegistry } from '../../config/secret-registry.js';

/**
 * SQLSTATE classes and codes after which the same load can succeed when tried again
 * (PostgreSQL manual, Appendix A): connection exceptions (08), serialization failure and deadlock
 * (40001, 40P01), lock not available (55P03), insufficient resources such as too many connections
 * (53300) or out of memory (53200), and the operator interventions of a restarting server
 * (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now: starting up).
 */
const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '53200', '53300', '57P01', '57P02', '57P03']);

/** Node socket errors of a server that is down, restarting or unreachable for now. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

interface PgErrorFields {
  code?: unknown;
  where?: unknown;
  detail?: unknown;
  message?: unknown;
}

/** True when trying the load again can help (a transient condition, not the data or the SQL). */
export function isTransientPostgresError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as PgErrorFields;
  if (typeof code === 'string') {
    if (TRANSIENT_STATES.has(code) || code.startsWith('08') || TRANSIENT_SOCKET_CODES.has(code)) return true;
  }
  // pg's own wording when the socket closes under a query.
  return (
    typeof message === 'string' && /Connection terminated|connection timeout|Connection ended/i.test(message)
  );
}

/** True when the connection cannot be used any more and must be opened again. */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as PgErrorFields;
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || code.startsWith('57P') || TRANSIENT_SOCKET_CODES.has(code))
  )
    return true;
  return typeof message === 'string' && /Connection terminated|Connection ended|not queryable/i.test(message);
}

/**
 * One line that says what Postgres objected to: its message, the SQLSTATE, and for COPY the
 * `where` line naming table, input line and column. Registered secrets are masked.
 */
export function describePostgresError(error: unknown): string {
  if (!(error instanceof Error)) return secretRegistry.redact(String(error));
  const { code, where, detail } = error as PgErrorFields;
  let text = error.message.split('\n')[0] ?? '';
  if (text === '' && typeof code === 'string') text = code;
  if (typeof detail === 'string' && detail !== '') text += ` (${detail.split('\n')[0]})`;
  if (typeof where === 'string' && /^COPY /.test(where)) {
    // The line quotes the rejected value, which may be long.
    const line = where.split('\n')[0] ?? '';
    text += ` [${line.length > 200 ? `${line.slice(0, 200)}…` : line}]`;
  }
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) text += ` (SQLSTATE ${code})`;
  return secretRegistry.redact(text);
}
