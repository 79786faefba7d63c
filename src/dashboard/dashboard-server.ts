import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { secretRegistry } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import {
  ApiError,
  type DashboardSource,
  pipelineOverview,
  tableRows,
  tablesOverview,
} from './dashboard-api.js';
import { FilterError } from './row-filter.js';
import { StaticFiles } from './static-files.js';

/** The only address the dashboard listens on: it shows data, so it is not reachable from elsewhere. */
export const DASHBOARD_HOST = '127.0.0.1';
export const DEFAULT_DASHBOARD_PORT = 4567;

export interface Dashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Stops the server and releases the destination. */
  close(): Promise<void>;
}

const ROWS_ROUTE = /^\/api\/tables\/([^/]+)\/rows$/;

// bigint (a DuckDB HUGEINT, a Postgres aggregate) as its digits; JSON.stringify refuses it.
const toJson = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.status;
  if (error instanceof FilterError) return 400;
  if (error instanceof TributaryError && error.retryable) return 503;
  return 500;
}

async function answerApi(source: DashboardSource, url: URL): Promise<unknown> {
  if (url.pathname === '/api/pipeline') return pipelineOverview(source);
  if (url.pathname === '/api/tables') return tablesOverview(source);
  const rows = ROWS_ROUTE.exec(url.pathname);
  if (rows?.[1] !== undefined) {
    let table: string;
    try {
      table = decodeURIComponent(rows[1]);
    } catch {
      throw new ApiError(400, 'the table name in the URL is not valid percent-encoding');
    }
    return tableRows(source, table, url.searchParams);
  }
  throw new ApiError(404, `no API at ${url.pathname}`);
}

/**
 * Serves the dashboard of one pipeline on 127.0.0.1: the page, its modules, and read-only JSON at
 * `/api/pipeline`, `/api/tables` and `/api/tables/:name/rows`. Every answer passes through the
 * secret registry's redaction. Port 0 picks a free port.
 *
 * @example
 * const dashboard = await startDashboard(
 *   { pipelineName: 'tasks', workingDir, dataset: 'tasks_dataset', reader: new DuckDbSqlReader('tasks.duckdb') },
 *   { port: 0 },
 * );
 * console.log(dashboard.url);
 */
export async function startDashboard(
  source: DashboardSource,
  options: { port?: number } = {},
): Promise<Dashboard> {
  const files = await StaticFiles.create();
  let allowedHosts = new Set<string>();

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': files.contentSecurityPolicy,
    });
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // A page elsewhere could point a name it controls at 127.0.0.1 (DNS rebinding) and read the
    // answers; the Host header tells those requests apart.
    if (!allowedHosts.has(request.headers.host ?? '')) {
      send(
        response,
        421,
        'text/plain; charset=utf-8',
        `the dashboard answers at ${[...allowedHosts][0]} only\n`,
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'the dashboard is read-only: GET only\n');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${DASHBOARD_HOST}`);
    if (url.pathname.startsWith('/api/')) {
      try {
        const body = await answerApi(source, url);
        send(response, 200, 'application/json; charset=utf-8', secretRegistry.redact(toJson(body)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const body = secretRegistry.redact(toJson({ error: message }));
        send(response, statusOf(error), 'application/json; charset=utf-8', body);
      }
      return;
    }
    const file = await files.get(url.pathname);
    if (file === undefined) send(response, 404, 'text/plain; charset=utf-8', `not found: ${url.pathname}\n`);
    else send(response, 200, file.type, file.body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        send(response, 500, 'text/plain; charset=utf-8', `${secretRegistry.redact(message)}\n`);
      } else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, DASHBOARD_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`${DASHBOARD_HOST}:${port}`, `localhost:${port}`]);
  return {
    url: `http://${DASHBOARD_HOST}:${port}/`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await source.reader.close();
    },
  };
}
