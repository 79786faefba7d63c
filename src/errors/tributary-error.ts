/** Stable error codes that programs can match on. */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'SECRET_MISSING',
  'HTTP_STATUS',
  'HTTP_NETWORK',
  'HTTP_TIMEOUT',
  'RESPONSE_INVALID',
  'PAGINATION',
  'DATA_SELECTOR',
  'NAME_COLLISION',
  'SCHEMA_VIOLATION',
  'SCHEMA_CONTRACT',
  'DESTINATION',
  'PIPELINE_LOCKED',
  'PENDING_PACKAGES',
  'INTERRUPTED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorContext {
  resource?: string;
  /** Always redacted before it gets here. */
  url?: string;
  table?: string;
  column?: string;
  sql?: string;
  status?: number;
  attempts?: number;
}

/**
 * The one base class of Tributary's errors: a stable `code`, whether a retry can help (`retryable`),
 * context for the operator and the original `cause`.
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
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TributaryError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

/** The config (or the command line) is wrong: the CLI exits with code 2. */
export class ConfigError extends TributaryError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}
