import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server on 127.0.0.1 that answers every GET with the current page: one JSON text, sent as is. */
export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The JSON text served from now on (kept verbatim, so `1.0` and 20-digit integers survive). */
  serve(jsonText: string): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  let body = '[]';
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve(jsonText) {
      body = jsonText;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
