import type { ResourcePlan, RestApiSource } from '../config/rest-api-source.js';
import { secretRegistry } from '../config/secret-registry.js';
import type { Destination } from '../destinations/destination.js';
import { createAuthenticator } from '../extract/auth/create-authenticator.js';
import { HttpClient } from '../extract/http/http-client.js';
import { retryPolicyFrom } from '../extract/http/retry-policy.js';
import { IncrementalCursor } from '../extract/incremental/incremental-cursor.js';
import { paginateResource } from '../extract/paginate-resource.js';
import { applyProcessingSteps } from '../extract/processing-steps.js';
import type { Bindings } from '../extract/request/endpoint-request.js';
import type { JsonValue } from '../normalize/json-values.js';
import { createNaming } from '../normalize/naming.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { SchemaEvolver } from '../schema/schema-evolver.js';
import { emptySchema } from '../schema/schema-version.js';
import {
  configuredPaginator,
  type DryRunTable,
  describePaginatorConfig,
  inferredTables,
} from './dry-run-tables.js';
import { redactEvent } from './events.js';
import { withParentFields } from './extract-source.js';
import { newLoadId } from './load-id.js';
import { datasetIdentifier } from './pipeline-session.js';
import { ResourceTableWriter } from './resource-table-writer.js';
import { type ReportedError, reportedError } from './run-report.js';

export type { DryRunColumn, DryRunTable } from './dry-run-tables.js';

export interface DryRunOptions {
  pipelineName: string;
  datasetName?: string;
  /** Only its capabilities (identifier length) are read: the dry run never opens it. */
  destination: Destination;
  runtime?: Partial<Runtime>;
  signal?: AbortSignal;
}

/** What the dry run found for one resource. */
export interface DryRunResource {
  name: string;
  parent: string | undefined;
  /** `ok`; `failed` (see `error`); `skipped` when its parent failed or had no record to fetch it for. */
  status: 'ok' | 'failed' | 'skipped';
  /** The first request: `GET http://…`, redacted. */
  request: string | undefined;
  paginator: { description: string; source: 'configured' | 'detected' } | undefined;
  selector: { path: string; source: 'configured' | 'detected' } | undefined;
  /** Records on the first page, after processing steps and the incremental window. */
  records: number;
  /** Pages of the whole walk, when the first page told a total. */
  expectedPages: number | undefined;
  note: string | undefined;
  error: ReportedError | undefined;
}

export interface DryRunReport {
  pipeline: string;
  dataset: string;
  destination: string;
  /** True when every resource's first page came back and went through the normalizer. */
  ok: boolean;
  resources: DryRunResource[];
  /** Tables and columns as a first run would create them from these pages. */
  tables: DryRunTable[];
  requests: number;
  durationMs: number;
}

const firstRecord = (records: JsonValue[]) => records.slice(0, 1);

/**
 * Checks a config without writing anything: resolves it (secrets included), fetches the first
 * page of every resource (a child: for the first record of its parent's first page only), shows
 * the paginator and data selector in force, and runs the records through the normalizer and the
 * schema evolver in memory. No working folder, no destination connection, no state.
 *
 * @example
 * const report = await dryRun(source, { pipelineName: 'tasks', destination });
 * if (!report.ok) console.error(report.resources.filter((r) => r.error));
 */
export async function dryRun(source: RestApiSource, options: DryRunOptions): Promise<DryRunReport> {
  const started = performance.now();
  const requests = { count: 0, first: new Map<string, string>() };
  const userEmit = options.runtime?.emit;
  const runtime = createRuntime({
    ...options.runtime,
    emit: (raw) => {
      const event = redactEvent(raw, (text) => secretRegistry.redact(text));
      if (event.type === 'request') {
        requests.count++;
        if (!requests.first.has(event.resource)) {
          requests.first.set(event.resource, `${event.method} ${event.url}`);
        }
      }
      userEmit?.(event);
    },
  });
  const { destination } = options;
  const concurrency = source.client.concurrency ?? 1;
  const http = new HttpClient({
    policy: retryPolicyFrom(source.client.retry ?? {}),
    timeoutMs: (source.client.timeout ?? 60) * 1000,
    runtime,
    concurrency,
    requestsPerSecond: source.client.rate_limit?.requests_per_second,
    maxResponseBytes: source.client.max_response_bytes,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const naming = createNaming(destination.capabilities.maxIdentifierLength);
  const evolver = new SchemaEvolver(emptySchema(source.name), naming, source.detections);
  const rows: Record<string, number> = {};
  const loadId = newLoadId();
  const results = new Map<string, DryRunResource>();

  const check = async (plan: ResourcePlan, parent: Bindings['parent']): Promise<JsonValue[]> => {
    const result: DryRunResource = {
      name: plan.name,
      parent: plan.parent,
      status: 'ok',
      request: undefined,
      paginator: undefined,
      selector: undefined,
      records: 0,
      expectedPages: undefined,
      note: parent ? `fetched for the first ${parent.resource} record only` : undefined,
      error: undefined,
    };
    results.set(plan.name, result);
    try {
      const auth = createAuthenticator('auth' in plan.endpoint ? plan.endpoint.auth : source.client.auth, {
        http,
        now: runtime.now,
        resource: plan.name,
      });
      const incremental = plan.incremental
        ? new IncrementalCursor(plan.incremental, undefined, plan.primaryKey)
        : undefined;
      const bindings: Bindings = { ...(parent ? { parent } : {}), ...(incremental ? { incremental } : {}) };
      const pages = paginateResource(plan, source.client, { http, runtime, auth, concurrency: 1 }, bindings);
      // Only the first page: leaving the loop ends the walk before a second request goes out.
      for await (const page of pages) {
        const configured = configuredPaginator(plan, source);
        result.paginator = page.first?.detectedPaginator
          ? { description: page.first.detectedPaginator, source: 'detected' }
          : configured === undefined
            ? undefined
            : { description: describePaginatorConfig(configured), source: 'configured' };
        result.selector = {
          path: page.first?.selector ?? plan.endpoint.data_selector ?? '$',
          source: plan.endpoint.data_selector ? 'configured' : 'detected',
        };
        result.expectedPages = page.first?.expectedPages;
        let records = applyProcessingSteps(
          withParentFields({ plan }, page.records, parent),
          plan.processingSteps,
        );
        if (incremental) records = incremental.filter(records).kept;
        result.records = records.length;
        if (plan.selected) {
          for (const [table, batch] of new ResourceTableWriter(plan, naming, evolver, loadId).rows(records)) {
            rows[table] = (rows[table] ?? 0) + batch.length;
          }
        }
        return records;
      }
      return [];
    } catch (error) {
      result.status = 'failed';
      result.error = reportedError(error);
      return [];
    } finally {
      result.request = requests.first.get(plan.name);
    }
  };

  const children = (name: string) => source.resources.filter((plan) => plan.parent === name);
  // As in a run, a resource that is not selected is fetched only to feed selected children.
  const needed = (plan: ResourcePlan): boolean => plan.selected || children(plan.name).some(needed);
  const skip = (plan: ResourcePlan, reason: string): void => {
    results.set(plan.name, skipped(plan, reason));
    for (const child of children(plan.name)) skip(child, `${plan.name} was not fetched`);
  };
  const visit = async (plan: ResourcePlan, parent: Bindings['parent']): Promise<void> => {
    if (!needed(plan)) return skip(plan, 'not selected and no selected resource needs it');
    const records = await check(plan, parent);
    const [record] = firstRecord(records);
    const failed = results.get(plan.name)?.status === 'failed';
    for (const child of children(plan.name)) {
      if (record === undefined) skip(child, failed ? `${plan.name} failed` : `${plan.name} had no records`);
      else await visit(child, { resource: plan.name, record });
    }
  };
  try {
    for (const plan of source.resources) if (plan.parent === undefined) await visit(plan, undefined);
  } finally {
    await http.close();
  }
  const resources = source.resources.map((plan) => results.get(plan.name) ?? skipped(plan, 'not reached'));
  return {
    pipeline: options.pipelineName,
    dataset: datasetIdentifier(options.pipelineName, options.datasetName, destination),
    destination: destination.type,
    ok: resources.every((r) => r.status !== 'failed'),
    resources,
    tables: inferredTables(evolver.schema, rows),
    requests: requests.count,
    durationMs: Math.round(performance.now() - started),
  };
}

function skipped(plan: ResourcePlan, reason: string): DryRunResource {
  return {
    name: plan.name,
    parent: plan.parent,
    status: 'skipped',
    request: undefined,
    paginator: undefined,
    selector: undefined,
    records: 0,
    expectedPages: undefined,
    note: `not fetched: ${reason}`,
    error: undefined,
  };
}
