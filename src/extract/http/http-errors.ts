import { redactUrl } from '../../config/secret-registry.js';
import { TributaryError } from '../../errors/tributary-error.js';
import { bodyExcerpt } from './body-excerpt.js';
import type { HttpRequest, HttpResponse } from './http-message.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The error for a response whose status failed the request: method, redacted URL (and where a
 * redirect led), status, attempts and a redacted excerpt of the body.
 */
export function statusError(
  req: HttpRequest,
  url: string,
  response: HttpResponse,
  attempts: number,
  retryable: boolean,
): TributaryError {
  const status = `${response.status}${STATUS_TEXT[response.status] ? ` ${STATUS_TEXT[response.status]}` : ''}`;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const excerpt = bodyExcerpt(response.body);
  const via = response.url === req.url ? '' : ` (redirected to ${redactUrl(response.url)})`;
  return new TributaryError(
    'HTTP_STATUS',
    `${req.method} ${url}${via} failed: ${status}${tries}${excerpt ? `: ${excerpt}` : ''}`,
    {
      retryable,
      context: { url, status: response.status, attempts },
    },
  );
}

/** A network failure as text: undici's code, message and the cause beneath it. */
export function describeNetworkError(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: string }).code;
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${code ? `${code} ` : ''}${cause.message}${inner}`;
}
