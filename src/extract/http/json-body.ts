import { TributaryError } from '../../errors/tributary-error.js';
import { JsonSyntaxError, parseJsonWith, readExactNumber } from '../../normalize/json-parser.js';
import type { JsonValue } from '../../normalize/json-values.js';
import { bodyExcerpt } from './body-excerpt.js';
import type { HttpResponse } from './http-client.js';

/**
 * A number value (after `:`, `[` or `,`, or the whole body) with 16+ digits, or written as an
 * integral float (`1.0`, `1e3`).
 */
const LOSSY_NUMBER = /(?:^|[:[,])\s*-?(?:\d{16,}|\d+(?:\.\d+)?[eE][+-]?\d+|\d+\.0+)\s*(?:[,}\]]|$)/;

/**
 * True when the native parser could lose something: an integer beyond 2^53 or a float literal with
 * an integral value. The test may also fire on such text inside a string: that only costs the
 * slower exact parse, never a value.
 */
function mayLoseNumbers(text: string): boolean {
  return LOSSY_NUMBER.test(text);
}

/** A parsed body's JSON text (after any byte order mark) and whether it took the exact parser. */
export interface JsonBodyText {
  text: string;
  exact: boolean;
}

/**
 * Bodies already parsed (by {@link refuseJsonBody} inside the retry loop), so a page is parsed
 * once, with the text they were parsed from.
 */
const parsedBodies = new WeakMap<HttpResponse, JsonBodyText & { value: JsonValue }>();

/**
 * The text that {@link parseJsonBody} parsed, and how: parsed again the same way it gives the same
 * values. The normalize worker reads pages from it instead of records written out again.
 */
export function jsonBodyText(response: HttpResponse): JsonBodyText | undefined {
  const parsed = parsedBodies.get(response);
  return parsed === undefined ? undefined : { text: parsed.text, exact: parsed.exact };
}

const IGNORE_204 =
  '; if the API answers 204 when there is nothing (more) to read, add response_actions: [{ status_code: 204, action: ignore }] to the endpoint';

/**
 * Parses a response body as JSON, whatever its content type says (as dlt's `response.json()`),
 * after a UTF-8 byte order mark if there is one. Nesting depth is not limited by the call stack.
 *
 * A body that is not JSON fails with a clear `RESPONSE_INVALID` error naming the URL, the content
 * type, the size and a redacted excerpt:
 * - JSON that breaks off or is garbled (it starts with `{` or `[`) is *retryable*: a proxy or an
 *   overloaded server that cut a body short often sends it whole on the next attempt. The message
 *   gives the byte offset where reading stopped.
 * - An empty body, an HTML page or any other text is terminal: a retry brings the same page. An
 *   empty 204 says how to ignore it.
 * @example parseJsonBody(response, 'GET', 'https://api.example.com/items?api_key=***')
 */
export function parseJsonBody(response: HttpResponse, method: string, shownUrl: string): JsonValue {
  const cached = parsedBodies.get(response);
  if (cached !== undefined) return cached.value;
  const bom = response.body[0] === 0xef && response.body[1] === 0xbb && response.body[2] === 0xbf;
  let text = response.body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const contentType = response.headers['content-type'] ?? 'no content type';
  const head = `${method} ${shownUrl} returned ${response.status} with`;
  const size = `${contentType}, ${response.body.length} bytes`;
  const fail = (message: string, retryable: boolean, cause?: unknown) =>
    new TributaryError('RESPONSE_INVALID', message, {
      retryable,
      context: { url: shownUrl, status: response.status },
      cause,
    });
  const start = /\S/.exec(text)?.[0];
  if (start === undefined) {
    throw fail(
      `${head} an empty body where JSON was expected (${size})${response.status === 204 ? IGNORE_204 : ''}`,
      false,
    );
  }
  let value: JsonValue;
  let exact = mayLoseNumbers(text);
  try {
    if (exact) value = parseJsonWith(text, readExactNumber);
    else ({ value, exact } = parseNative(text));
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const excerpt = bodyExcerpt(response.body, 120);
    if (start === '<' || contentType.includes('html')) {
      throw fail(`${head} an HTML page where JSON was expected (${size}): ${excerpt}`, false, error);
    }
    if (start !== '{' && start !== '[') {
      throw fail(`${head} a body that is not JSON (${size}): ${excerpt}`, false, error);
    }
    const offset = Buffer.byteLength(text.slice(0, error.position), 'utf8') + (bom ? 3 : 0);
    throw fail(
      `${head} a body that is not valid JSON: ${error.reason} at byte ${offset} (${size}: ${excerpt})`,
      true,
      error,
    );
  }
  parsedBodies.set(response, { value, text, exact });
  return value;
}

/**
 * `JSON.parse`, and on failure our parser, whose error says where and why reading stopped (the
 * native message has no offset and quotes the body, secrets included).
 */
function parseNative(text: string): { value: JsonValue; exact: boolean } {
  try {
    return { value: JSON.parse(text) as JsonValue, exact: false };
  } catch {
    return { value: parseJsonWith(text, readExactNumber), exact: true };
  }
}

/**
 * The error for a response whose body is not usable JSON, or undefined when it parses (the value is
 * kept for {@link parseJsonBody}). Given to the HTTP client, so that a retryable body is fetched
 * again under the retry policy, like a dropped connection.
 */
export function refuseJsonBody(
  response: HttpResponse,
  method: string,
  shownUrl: string,
): TributaryError | undefined {
  try {
    parseJsonBody(response, method, shownUrl);
    return undefined;
  } catch (error) {
    if (error instanceof TributaryError) return error;
    throw error;
  }
}
