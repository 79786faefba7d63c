import { parse as parseLossless } from 'lossless-json';
import { TributaryError } from '../../errors/tributary-error.js';
import { JsonDouble, type JsonValue } from '../../normalize/json-values.js';
import { bodyExcerpt, type HttpResponse } from './http-client.js';

const INTEGER = /^-?\d+$/;

/**
 * Keeps what `JSON.parse` loses: integers beyond ±2^53 become exact `bigint`s, and integral
 * floats (`1.0`) stay floats (`JsonDouble`), so types are inferred as dlt infers them.
 */
function parseNumber(text: string): number | bigint | JsonDouble {
  if (INTEGER.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : BigInt(text);
  }
  const value = Number(text);
  return Number.isInteger(value) ? new JsonDouble(value) : value;
}

/** A number value (after `:`, `[` or `,`) with 16+ digits, or written as an integral float (`1.0`, `1e3`). */
const LOSSY_NUMBER = /[:[,]\s*-?(?:\d{16,}|\d+(?:\.\d+)?[eE][+-]?\d+|\d+\.0+)\s*[,}\]]/;

/**
 * True when the native parser could lose something: an integer beyond 2^53 or a float literal with
 * an integral value. The test may also fire on such text inside a string: that only costs the
 * slower exact parse, never a value.
 */
function mayLoseNumbers(text: string): boolean {
  return LOSSY_NUMBER.test(text);
}

/**
 * Parses a response body as JSON. A body that is not JSON (an HTML error page with 200, a cut-off
 * body, an empty body) fails with a clear, non-retryable error that names the URL, the content
 * type and a short excerpt.
 */
export function parseJsonBody(response: HttpResponse, method: string, shownUrl: string): JsonValue {
  let text = response.body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const contentType = response.headers['content-type'] ?? 'no content type';
  const fail = (problem: string, excerpt = '', cause?: unknown) =>
    new TributaryError(
      'RESPONSE_INVALID',
      `${method} ${shownUrl} returned ${response.status} with ${problem} (${contentType}, ${response.body.length} bytes)${excerpt}`,
      { context: { url: shownUrl, status: response.status }, cause },
    );
  if (text.trim() === '') throw fail('an empty body where JSON was expected');
  try {
    return mayLoseNumbers(text)
      ? (parseLossless(text, null, parseNumber) as JsonValue)
      : (JSON.parse(text) as JsonValue);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const looksHtml = /^\s*</.test(text) || contentType.includes('html');
    const what = looksHtml ? 'an HTML page' : `a body that is not valid JSON (${reason})`;
    throw fail(`${what} where JSON was expected`, `: ${bodyExcerpt(response.body, 120)}`, error);
  }
}
