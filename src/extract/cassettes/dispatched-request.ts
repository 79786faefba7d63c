import type { Dispatcher } from 'undici';
import type { StoredRequest } from './cassette-format.js';
import { storedRequest } from './cassette-scrubber.js';

type DispatchHeaders = Dispatcher.DispatchOptions['headers'];

/** undici accepts headers as a record, a flat `[name, value, …]` list or pairs; one record here. */
function headerRecord(headers: DispatchHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || headers === undefined) return out;
  const add = (name: unknown, value: unknown) => {
    if (value === undefined || value === null) return;
    out[String(name).toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  };
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
  } else if (Symbol.iterator in Object(headers) && typeof headers !== 'string') {
    for (const [name, value] of headers as Iterable<[string, unknown]>) add(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) add(name, value);
  }
  return out;
}

/** A body the client sends as one value (HttpClient sends strings); a stream cannot be stored. */
function bodyText(body: Dispatcher.DispatchOptions['body']): string | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return '[a streamed body: not stored]';
}

/** The request undici is asked to send, as a cassette stores it (scrubbed) and matches it. */
export function dispatchedRequest(opts: Dispatcher.DispatchOptions): StoredRequest {
  const origin = opts.origin === undefined ? '' : String(opts.origin).replace(/\/$/, '');
  return storedRequest(opts.method, `${origin}${opts.path}`, headerRecord(opts.headers), bodyText(opts.body));
}
