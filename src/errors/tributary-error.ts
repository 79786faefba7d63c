import { secretRegistry } from '../config/secret-registry.js';

/** Stable error codes that programs can match on. */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'SECRET_MISSING',
  'HTTP_STATUS',
  'HTTP_NETWORK',
  'HTTP_TIMEOUT',
  'HTTP_REDIRECT',
  'RESPONSE_INVALID',
  'RESPONSE_TOO_LARGE',
  'PAGINATION',
  'DATA_SELECTOR',
  'NAME_COLLISION',
  'SCHEMA_VIOLATION',
  'SCHEMA_CONTRACT',
  'DESTINATION',
  'PIPELINE_LOCKED',
  'PENDING_PACKAGES',
  'INTERRUPTED',
  'WORKING_DIR',
  'CASSETTE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorContext {
  resource?: string;
  /** Redacted by the caller (`redactUrl`: secret-named parameters); registered secrets again here. */
  url?: string;
  table?: string;
  column?: string;
  sql?: string;
  status?: number;
  attempts?: number;
}

/** The context's text with registered secrets masked. */
function redactContext(context: ErrorContext): ErrorContext {
  const out = { ...context };
  if (out.url !== undefined) out.url = secretRegistry.redact(out.url);
  if (out.sql !== undefined) out.sql = secretRegistry.redact(out.sql);
  return out;
}

/**
 * The one base class of Tributary's errors: a stable `code`, whether a retry can help (`retryable`),
 * context for the operator and the original `cause`. Every secret registered so far is masked in
 * the message (and so in the stack) and the context when the error is made; outputs mask again
 * later, for secrets registered after it.
 *
 * @example
 * try { await run(); } catch (e) { if (e instanceof TributaryError && e.code === 'HTTP_STATUS') … }
 */
export class TributaryError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly context: ErrorContext;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; context?: ErrorContext; cause?: unknown } = {},
  ) {
    super(secretRegistry.redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TributaryError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = redactContext(options.context ?? {});
  }
}

/** The config (or the command line) is wrong: the CLI exits with code 2. */
export class ConfigError extends TributaryError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}
