import type { IncomingHttpHeaders } from 'node:http';
import { redactSecretFields, redactUrl, secretRegistry } from '../../config/secret-registry.js';
import { type StoredBody, type StoredRequest, sha256 } from './cassette-format.js';

/** What replaces a credential in a stored request. */
export const SCRUBBED = '***';

/** Request headers that carry credentials, whatever their value looks like. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
/**
 * Response headers not stored: cookies are credentials; the rest change on every run or describe
 * the connection, and replay computes `content-length` from the stored body.
 */
const DROPPED_RESPONSE_HEADERS = new Set([
  'set-cookie',
  'set-cookie2',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
]);
/** Form fields masked in request bodies besides dlt's secret names: who the credentials belong to. */
const IDENTITY_FIELDS = new Set(['client_id', 'username', 'client_secret', 'password']);
/** Fields of an OAuth2 token response (RFC 6749 §5.1) that hold tokens. */
const TOKEN_FIELD = /("(access_token|refresh_token|id_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** The placeholder an OAuth2 token is stored as: long enough that replay registers it as a secret. */
export const tokenPlaceholder = (field: string) => `recorded-${field.replace(/_/g, '-')}`;

/** A URL as stored and matched: secret-named query parameters and every registered secret masked. */
export function scrubUrl(url: string): string {
  return redactUrl(url);
}

/** Request headers as stored (lower-case names): credentials become `***`. */
export function scrubRequestHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    out[name] = CREDENTIAL_HEADERS.has(name) || secretRegistry.matches(value) ? SCRUBBED : value;
  }
  return out;
}

/** Response headers as stored: see DROPPED_RESPONSE_HEADERS; registered secrets masked in the rest. */
export function scrubResponseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value)
      ? value.map((item) => secretRegistry.redact(item))
      : secretRegistry.redact(value);
  }
  return out;
}

/** A form body with secret-named and identity fields masked, as `redactUrl` masks a query. */
function scrubForm(body: string): string {
  const params = new URLSearchParams(body);
  for (const name of new Set(params.keys())) {
    if (IDENTITY_FIELDS.has(name.toLowerCase())) params.set(name, SCRUBBED);
  }
  const masked = redactUrl(`http://form.invalid/?${params.toString()}`);
  return masked.slice(masked.indexOf('?') + 1);
}

/**
 * A request body as stored and matched: registered secrets masked; a form body (an OAuth2 token
 * request) also loses its credential fields, a JSON body its secret-named fields. The same body
 * scrubs to the same text whether the secret is the real one (recording) or a placeholder (replay).
 */
export function scrubRequestBody(body: string, contentType: string | undefined): string {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return scrubForm(body);
  const text = secretRegistry.redact(body);
  return type.includes('json') ? redactSecretFields(text) : text;
}

/** A request as stored: the parts of an undici dispatch, scrubbed, with the hash it is matched by. */
export function storedRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | null,
): StoredRequest {
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const scrubbed = body === null ? null : scrubRequestBody(body, contentType);
  return {
    method: method.toUpperCase(),
    url: scrubUrl(url),
    headers: scrubRequestHeaders(headers),
    body: scrubbed,
    bodySha256: scrubbed === null ? null : sha256(scrubbed),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a stored request is an OAuth2 token request (its answer holds a token). */
export function isTokenRequest(request: StoredRequest): boolean {
  return request.method === 'POST' && request.body !== null && /(^|&)grant_type=/.test(request.body);
}

/**
 * A response body as stored. UTF-8 text is kept as text (or as JSON, see StoredBody) with registered secrets masked (an API that
 * echoes the key must not put it in the cassette) and, in a token response, the tokens replaced by
 * placeholders. Any other body is base64, after the same masking of its bytes read as Latin-1 (a
 * lossless byte-per-character view, so ASCII secrets are found anywhere in it).
 */
export function scrubResponseBody(body: Buffer, tokenResponse: boolean): StoredBody {
  let text: string | undefined;
  try {
    text = utf8.decode(body);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    const bytes = Buffer.from(secretRegistry.redact(body.toString('latin1')), 'latin1');
    return { encoding: 'base64', data: bytes.toString('base64') };
  }
  const masked = tokenResponse
    ? text.replace(
        TOKEN_FIELD,
        (_all, prefix: string, field: string) => `${prefix}"${tokenPlaceholder(field)}"`,
      )
    : text;
  const scrubbed = secretRegistry.redact(masked);
  const json = exactJson(scrubbed);
  return json === undefined ? { encoding: 'utf8', data: scrubbed } : { encoding: 'json', data: json.value };
}

/** The parsed text when `JSON.stringify` writes it back byte for byte (a nested, diffable file). */
function exactJson(text: string): { value: unknown } | undefined {
  const start = text.charCodeAt(0);
  if (start !== 0x7b && start !== 0x5b) return undefined; // only objects and arrays are worth it
  try {
    const value: unknown = JSON.parse(text);
    return JSON.stringify(value) === text ? { value } : undefined;
  } catch {
    return undefined;
  }
}

/** The bytes a stored body replays as. */
export function bodyBytes(body: StoredBody): Buffer {
  if (body.encoding === 'json') return Buffer.from(JSON.stringify(body.data), 'utf8');
  return Buffer.from(body.data, body.encoding === 'utf8' ? 'utf8' : 'base64');
}
