import { secretRegistry } from '../../config/secret-registry.js';
import type { Authenticator } from '../http/request-spec.js';

/** RFC 7617 Basic auth: base64 of UTF-8 `username:password`. */
export function httpBasicAuth(username: string, password: string): Authenticator {
  const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  // The header value carries the password too: a server that echoes headers must not leak it.
  secretRegistry.add(encoded);
  return {
    apply({ headers }) {
      for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
      headers.Authorization = `Basic ${encoded}`;
    },
  };
}
