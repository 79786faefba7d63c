/** A request as the client sends it (built by `buildHttpRequest`, or by a redirect). */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Lower-case names of the headers the authenticator set: left behind on a cross-origin redirect. */
  authHeaders?: readonly string[];
}

/** A response with its whole body (at most `max_response_bytes`). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered: the last one when redirects were followed. */
  url: string;
}
