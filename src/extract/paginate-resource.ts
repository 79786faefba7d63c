import type { ClientConfig } from '../config/config-schema.js';
import type { ResourcePlan } from '../config/rest-api-source.js';
import { redactUrl } from '../config/secret-registry.js';
import type { JsonValue } from '../normalize/json-values.js';
import type { Runtime } from '../runtime/runtime.js';
import { createAuthenticator } from './auth/create-authenticator.js';
import type { HttpClient } from './http/http-client.js';
import { parseJsonBody } from './http/json-body.js';
import { buildHttpRequest, joinUrl, type RequestSpec } from './http/request-spec.js';
import { createPaginator } from './paginators/create-paginator.js';
import type { Paginator } from './paginators/paginator.js';
import { SinglePagePaginator } from './paginators/single-page-paginator.js';
import { detectDataSelector, selectData } from './select/select-data.js';

/** One page of records, with how the resource's pagination stands after it. */
export interface ExtractedPage {
  records: JsonValue[];
  pageNumber: number;
  /** Set on the last page: why pagination stopped. */
  stopReason: string | undefined;
}

function initialRequest(plan: ResourcePlan, client: ClientConfig): RequestSpec {
  const { endpoint } = plan;
  const spec: RequestSpec = {
    method: endpoint.method ?? 'GET',
    url: joinUrl(client.base_url, endpoint.path),
    params: { ...endpoint.params },
    headers: { ...client.headers, ...endpoint.headers },
  };
  if (endpoint.json !== undefined) spec.json = structuredClone(endpoint.json);
  return spec;
}

/** Endpoint paginator if set, else the client's, else detection (dlt's precedence, reference §3). */
function choosePaginator(plan: ResourcePlan, client: ClientConfig): Paginator | undefined {
  return createPaginator(plan.endpoint.paginator) ?? createPaginator(client.paginator);
}

/**
 * Fetches every page of one resource, in order, as dlt's `RESTClient.paginate` does: send, pick
 * the records, let the paginator decide and prepare the next request, yield the page.
 */
export async function* paginateResource(
  plan: ResourcePlan,
  client: ClientConfig,
  http: HttpClient,
  runtime: Runtime,
): AsyncGenerator<ExtractedPage> {
  const auth = createAuthenticator('auth' in plan.endpoint ? plan.endpoint.auth : client.auth);
  const request = initialRequest(plan, client);
  let paginator = choosePaginator(plan, client);
  paginator?.initRequest(request);
  let selector = plan.endpoint.data_selector ?? undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const httpRequest = buildHttpRequest(request, auth);
    const response = await http.send(httpRequest, plan.name);
    const body = parseJsonBody(response, httpRequest.method, redactUrl(httpRequest.url));
    selector ??= detectDataSelector(body);
    const records = selectData(body, selector);
    if (paginator === undefined) {
      // Detection of link/cursor paginators is not built yet: say so instead of guessing.
      runtime.emit({
        type: 'warning',
        message: `resource ${plan.name}: no paginator configured; fetched a single page`,
      });
      paginator = new SinglePagePaginator();
    }
    paginator.updateState({ response, body, data: records });
    paginator.updateRequest(request);
    yield { records, pageNumber, stopReason: paginator.hasNextPage ? undefined : paginator.stopReason };
    if (!paginator.hasNextPage) return;
  }
}
