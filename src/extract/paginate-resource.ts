import { createHash } from 'node:crypto';
import type { ClientConfig } from '../config/config-schema.js';
import type { ResourcePlan } from '../config/rest-api-source.js';
import { redactUrl } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import { stringifyExact } from '../normalize/exact-json.js';
import type { JsonValue } from '../normalize/json-values.js';
import type { Runtime } from '../runtime/runtime.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http/http-client.js';
import { parseJsonBody } from './http/json-body.js';
import { type Authenticator, buildHttpRequest, type RequestSpec } from './http/request-spec.js';
import { createPaginator } from './paginators/create-paginator.js';
import type { Paginator } from './paginators/paginator.js';
import { detectPaginator } from './paginators/paginator-detector.js';
import { type Bindings, endpointRequest } from './request/endpoint-request.js';
import { responseInspector } from './response-actions.js';
import { detectDataSelector, selectData } from './select/select-data.js';

/** One page of records, with how the resource's pagination stands after it. */
export interface ExtractedPage {
  records: JsonValue[];
  pageNumber: number;
  /** Set on the last page: why pagination stopped. */
  stopReason: string | undefined;
}

export interface PaginateDeps {
  http: HttpClient;
  runtime: Runtime;
  auth: Authenticator | undefined;
}

/** Endpoint paginator if set, else the client's, else detection (dlt's precedence, reference §3). */
function choosePaginator(plan: ResourcePlan, client: ClientConfig): Paginator | undefined {
  return createPaginator(plan.endpoint.paginator) ?? createPaginator(client.paginator);
}

function loopError(plan: ResourcePlan, what: string, request: HttpRequest, pages: number): TributaryError {
  return new TributaryError(
    'PAGINATION',
    `resource ${plan.name}: ${what} (${request.method} ${redactUrl(request.url)}) after ${pages} pages; the API repeats itself, stopping instead of looping forever`,
    { context: { resource: plan.name, url: redactUrl(request.url) } },
  );
}

const digest = (data: string | Buffer) => createHash('sha256').update(data).digest('base64');

/** Sends a request; a 401 makes the authenticator refresh (OAuth2) and the request go once more. */
async function sendWithAuth(
  request: RequestSpec,
  plan: ResourcePlan,
  deps: PaginateDeps,
  inspect: ((response: HttpResponse) => 'ignore' | undefined) | undefined,
): Promise<{ sent: HttpRequest; response: HttpResponse & { ignored?: true } }> {
  const sent = await buildHttpRequest(request, deps.auth);
  try {
    return { sent, response: await deps.http.send(sent, plan.name, inspect) };
  } catch (error) {
    const unauthorized = error instanceof TributaryError && error.context.status === 401;
    if (!unauthorized || !deps.auth?.refresh || !(await deps.auth.refresh())) throw error;
    const again = await buildHttpRequest(request, deps.auth);
    return { sent: again, response: await deps.http.send(again, plan.name, inspect) };
  }
}

/**
 * Fetches every page of one resource (for one parent record, if it has a parent), in order, as
 * dlt's `RESTClient.paginate` does: send, pick the records, let the paginator decide and prepare the
 * next request, yield the page. Fails instead of looping when a request or a page comes back again.
 */
export async function* paginateResource(
  plan: ResourcePlan,
  client: ClientConfig,
  deps: PaginateDeps,
  bindings: Bindings,
): AsyncGenerator<ExtractedPage> {
  const request = endpointRequest(plan, client, bindings);
  const inspect = responseInspector(plan.responseActions);
  let paginator = choosePaginator(plan, client);
  paginator?.initRequest(request);
  let selector = plan.endpoint.data_selector ?? undefined;
  const sentBefore = new Set<string>();
  let previousPage: string | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const { method, url, params, json, data } = request;
    const fingerprint = digest(stringifyExact({ method, url, params, json, data }));
    if (sentBefore.has(fingerprint)) {
      throw loopError(
        plan,
        'the same request came up again',
        await buildHttpRequest(request),
        pageNumber - 1,
      );
    }
    sentBefore.add(fingerprint);
    const { sent, response } = await sendWithAuth(request, plan, deps, inspect);
    if (response.ignored) {
      yield {
        records: [],
        pageNumber,
        stopReason: `response ${response.status} ignored by response_actions`,
      };
      return;
    }
    const body = parseJsonBody(response, sent.method, redactUrl(sent.url));
    selector ??= detectDataSelector(body);
    const records = selectData(body, selector);
    if (paginator === undefined) {
      const detected = detectPaginator(response, body, records);
      paginator = detected.paginator;
      if (detected.score < 1) {
        deps.runtime.emit({
          type: 'warning',
          message: `resource ${plan.name}: no paginator configured; detected ${detected.description} — set one in the config if this is wrong`,
        });
      }
    }
    paginator.updateState({ response, body, data: records });
    paginator.updateRequest(request);
    const pageDigest = digest(response.body);
    if (records.length > 0 && pageDigest === previousPage) {
      throw loopError(plan, 'the same page came back again', sent, pageNumber);
    }
    previousPage = pageDigest;
    yield { records, pageNumber, stopReason: paginator.hasNextPage ? undefined : paginator.stopReason };
    if (!paginator.hasNextPage) return;
  }
}
