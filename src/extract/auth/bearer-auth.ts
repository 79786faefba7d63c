import type { Authenticator } from '../http/request-spec.js';

/** `Authorization: Bearer <token>`, replacing any configured Authorization header (as dlt does). */
export function bearerAuth(token: string): Authenticator {
  return {
    apply({ headers }) {
      for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
      headers.Authorization = `Bearer ${token}`;
    },
  };
}
