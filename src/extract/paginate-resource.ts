import { createHash } from 'node:crypto';
import type { ClientConfig } from '../config/config-schema.js';
import type { ResourcePlan } from '../config/rest-api-source.js';
import { redactUrl } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import { stringifyExact } from '../normalize/exact-json.js';
import type { JsonValue } from '../normalize/json-values.js';
import type { Runtime } from '../runtime/runtime.js';
import { type FirstPageFacts, firstPageFacts } from './first-page-facts.js';
import { credentialOrigins } from './http/credential-scope.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http/http-client.js';
import { type JsonBodyText, jsonBodyText, parseJsonBody, refuseJsonBody } from './http/json-body.js';
import { type Authenticator, buildHttpRequest, type RequestSpec } from './http/request-spec.js';
import { createPaginator } from './paginators/create-paginator.js';
import type { Paginator } from './paginators/paginator.js';
import { detectPaginator } from './paginators/paginator-detector.js';
import { RangePaginator } from './paginators/range-paginator.js';
import { type Bindings, endpointRequest } from './request/endpoint-request.js';
import { responseInspector } from './response-actions.js';
import { detectDataSelector, selectData } from './select/select-data.js';

/** One page of records, with how the resource's pagination stands after it. */
export interface ExtractedPage {
  records: JsonValue[];
  pageNumber: number;
  /** Set on the last page: why pagination stopped. */
  stopReason: string | undefined;
  /** Set on the first page of a walk. */
  first?: FirstPageFacts;
  /** The page's JSON text: `selectData` of it, parsed as `exact` says, gives `records`. */
  text?: PageText;
}

/** A page as text, for a thread that parses the records itself. */
export interface PageText extends JsonBodyText {
  selector: string;
}

function pageText(response: HttpResponse, selector: string): { text?: PageText } {
  const body = jsonBodyText(response);
  return body === undefined ? {} : { text: { ...body, selector } };
}

export interface PaginateDeps {
  http: HttpClient;
  runtime: Runtime;
  auth: Authenticator | undefined;
  /** Pages fetched at once when their positions are known (1: one after another, as dlt). */
  concurrency: number;
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

/** Default `client.max_pages`: a bound no real walk reaches, so a runaway one still ends. */
export const DEFAULT_MAX_PAGES = 1_000_000;

/** The page limit of one walk: `endpoint.max_pages`, else `client.max_pages`, else the default. */
function maxPagesOf(plan: ResourcePlan, client: ClientConfig): number {
  return plan.endpoint.max_pages ?? client.max_pages ?? DEFAULT_MAX_PAGES;
}

/** Reaching the page limit fails the run: stopping quietly would load a silently truncated table. */
function maxPagesError(plan: ResourcePlan, limit: number, url: string): TributaryError {
  return new TributaryError(
    'PAGINATION',
    `resource ${plan.name}: the API still has a next page after ${limit} pages (max_pages ${limit}); raise client.max_pages or the endpoint's max_pages if the resource really has more pages`,
    { context: { resource: plan.name, url: redactUrl(url) } },
  );
}

const digest = (data: string | Buffer) => createHash('sha256').update(data).digest('base64');

/** The body check inside the retry loop: a cut-off JSON body is fetched again like a dropped connection. */
const jsonBody = (sent: HttpRequest) => (response: HttpResponse) =>
  refuseJsonBody(response, sent.method, redactUrl(sent.url));

/** Sends a request; a 401 makes the authenticator refresh (OAuth2) and the request go once more. */
async function sendWithAuth(
  request: RequestSpec,
  plan: ResourcePlan,
  deps: PaginateDeps,
  inspect: ((response: HttpResponse) => 'ignore' | undefined) | undefined,
  signal?: AbortSignal,
): Promise<{ sent: HttpRequest; response: HttpResponse & { ignored?: true } }> {
  const sent = await buildHttpRequest(request, deps.auth);
  try {
    return { sent, response: await deps.http.send(sent, plan.name, inspect, signal, jsonBody(sent)) };
  } catch (error) {
    const unauthorized = error instanceof TributaryError && error.context.status === 401;
    if (!unauthorized || !deps.auth?.refresh || !(await deps.auth.refresh())) throw error;
    const again = await buildHttpRequest(request, deps.auth);
    return {
      sent: again,
      response: await deps.http.send(again, plan.name, inspect, signal, jsonBody(again)),
    };
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
  // Credentials go only to the configured origin, never to a next link on another host.
  request.authOrigins = credentialOrigins(client.base_url, plan.endpoint.path, request.url);
  const maxPages = maxPagesOf(plan, client);
  const inspect = responseInspector(plan.responseActions);
  let paginator = choosePaginator(plan, client);
  paginator?.initRequest(request);
  let selector = plan.endpoint.data_selector ?? undefined;
  const sentBefore = new Set<string>();
  // The last page's body, to tell a page served again (compared, not hashed: most differ early).
  let previousPage: Buffer | undefined;
  let detectedAs: string | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    if (pageNumber > maxPages) throw maxPagesError(plan, maxPages, request.url);
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
      detectedAs = detected.description;
      if (detected.score < 1) {
        deps.runtime.emit({
          type: 'warning',
          message: `resource ${plan.name}: no paginator configured; detected ${detected.description} — set one in the config if this is wrong`,
        });
      }
    }
    paginator.updateState({ response, body, data: records });
    paginator.updateRequest(request);
    if (records.length > 0 && previousPage?.equals(response.body)) {
      throw loopError(plan, 'the same page came back again', sent, pageNumber);
    }
    previousPage = response.body;
    const stopReason = paginator.hasNextPage ? undefined : paginator.stopReason;
    const first = pageNumber === 1 ? { first: firstPageFacts(paginator, selector, detectedAs) } : {};
    yield { records, pageNumber, stopReason, ...first, ...pageText(response, selector) };
    if (!paginator.hasNextPage) return;
    const planned =
      deps.concurrency > 1 && paginator instanceof RangePaginator ? paginator.plannedPositions() : undefined;
    if (planned !== undefined && planned.length > 1) {
      yield* fetchPlannedPages(plan, deps, inspect, paginator as RangePaginator, request, planned, {
        selector: selector ?? '$',
        pageNumber,
        previousPage,
        stopAfterEmptyPage: (paginator as RangePaginator).stopsAfterEmptyPage,
        maxPages,
      });
      return;
    }
  }
}

/**
 * Fetches pages whose positions are known in advance (a total bounds the walk) several at a time,
 * in a window as wide as the host's concurrency, and yields them in order: the same pages and
 * records as page by page. An empty page ends the walk early and cancels the requests after it.
 */
async function* fetchPlannedPages(
  plan: ResourcePlan,
  deps: PaginateDeps,
  inspect: ((response: HttpResponse) => 'ignore' | undefined) | undefined,
  paginator: RangePaginator,
  request: RequestSpec,
  positions: number[],
  walk: {
    selector: string;
    pageNumber: number;
    previousPage: Buffer | undefined;
    stopAfterEmptyPage: boolean;
    maxPages: number;
  },
): AsyncGenerator<ExtractedPage> {
  const controller = new AbortController();
  // Pages beyond max_pages are never requested; the walk fails where it would go on past them.
  const allowed = Math.max(0, walk.maxPages - walk.pageNumber);
  const beyond = positions[allowed];
  const overLimit = () => maxPagesError(plan, walk.maxPages, request.url);
  if (beyond !== undefined && allowed === 0) throw overLimit();
  const within = beyond === undefined ? positions : positions.slice(0, allowed);
  const fetchPage = async (position: number) => {
    const spec = paginator.requestAt(request, position);
    const { sent, response } = await sendWithAuth(spec, plan, deps, inspect, controller.signal);
    if (response.ignored) return { sent, response, records: undefined };
    const body = parseJsonBody(response, sent.method, redactUrl(sent.url));
    return { sent, response, records: selectData(body, walk.selector) };
  };
  const inflight: Array<ReturnType<typeof fetchPage>> = [];
  let next = 0;
  const launch = () => {
    const page = fetchPage(within[next++] as number);
    // Settled in order below; mark handled now so a later page failing first is not "unhandled".
    page.catch(() => {});
    inflight.push(page);
  };
  let previous = walk.previousPage;
  let pageNumber = walk.pageNumber;
  try {
    while (inflight.length < deps.concurrency && next < within.length) launch();
    while (inflight.length > 0) {
      const { sent, response, records } = await (inflight.shift() as ReturnType<typeof fetchPage>);
      if (next < within.length) launch();
      pageNumber++;
      if (records === undefined) {
        yield {
          records: [],
          pageNumber,
          stopReason: `response ${response.status} ignored by response_actions`,
        };
        return;
      }
      if (records.length > 0 && previous?.equals(response.body))
        throw loopError(plan, 'the same page came back again', sent, pageNumber);
      previous = response.body;
      const last = inflight.length === 0 || (walk.stopAfterEmptyPage && records.length === 0);
      const stopReason = !last
        ? undefined
        : records.length === 0
          ? 'empty page'
          : paginator.plannedStopReason();
      const stoppedEmpty = walk.stopAfterEmptyPage && records.length === 0;
      if (last && beyond !== undefined && !stoppedEmpty) throw overLimit();
      yield { records, pageNumber, stopReason, ...pageText(response, walk.selector) };
      if (last) return;
    }
  } finally {
    controller.abort();
    await Promise.allSettled(inflight);
  }
}
