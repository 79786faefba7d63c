import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A server on 127.0.0.1 that answers `GET <path>` with the page last set for that path: one JSON
 * text, sent as is (so `1.0`, 20-digit integers and key order survive). Unknown paths get 404.
 */
export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  serve(path: string, jsonText: string): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server = createServer((request, response) => {
    const page = pages.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (page === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"no page"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve(path, jsonText) {
      pages.set(path, jsonText);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
