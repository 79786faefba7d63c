import type { ResourcePlan, RestApiSource } from '../config/rest-api-source.js';
import { secretRegistry } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import { createAuthenticator } from '../extract/auth/create-authenticator.js';
import type { HttpClient } from '../extract/http/http-client.js';
import type { Authenticator } from '../extract/http/request-spec.js';
import { IncrementalCursor, type IncrementalState } from '../extract/incremental/incremental-cursor.js';
import { forEachLimited } from '../extract/limited-concurrency.js';
import { paginateResource } from '../extract/paginate-resource.js';
import { applyProcessingSteps } from '../extract/processing-steps.js';
import type { Bindings } from '../extract/request/endpoint-request.js';
import { isJsonObject, type JsonValue } from '../normalize/json-values.js';
import type { Runtime } from '../runtime/runtime.js';
import type { StoredSchema } from '../schema/schema-types.js';
import type { RecordNormalizer } from './record-normalizer.js';

export interface ExtractContext {
  source: RestApiSource;
  http: HttpClient;
  runtime: Runtime;
  /** Turns records into rows of the load package (on this thread, then on a worker thread). */
  normalizer: RecordNormalizer;
  /** `sources.<source>` of the previous pipeline state. */
  sourceState: Record<string, unknown>;
  /** Requests at once per host; also how many resources and child fetches run together. */
  concurrency: number;
  /** Called on the first failure, to stop the other resources' requests and waits. */
  onFailure?: (error: unknown) => void;
}

/** What extraction leaves: the root tables written, the new `sources.<source>` state, the evolved schema. */
export interface ExtractResult {
  rootTables: string[];
  sourceState: Record<string, unknown>;
  schema: StoredSchema;
}

interface ResourceRun {
  plan: ResourcePlan;
  children: ResourceRun[];
  auth: Authenticator | undefined;
  incremental: IncrementalCursor | undefined;
  /** The root table, for a selected resource (it writes rows). */
  table: string | undefined;
  pages: number;
  records: number;
  stopReason: string | undefined;
}

type IncrementalStates = Record<string, IncrementalState>;

function storedIncremental(sourceState: Record<string, unknown>, resource: string): IncrementalStates {
  const resources = sourceState.resources as Record<string, { incremental?: IncrementalStates }> | undefined;
  return resources?.[resource]?.incremental ?? {};
}

/** `include_from_parent`: parent fields copied into each child record as `_<parent>_<field>`. */
export function withParentFields(
  run: Pick<ResourceRun, 'plan'>,
  records: JsonValue[],
  parent: Bindings['parent'],
): JsonValue[] {
  const fields = run.plan.includeFromParent;
  if (fields.length === 0 || parent === undefined) return records;
  const parentRecord = parent.record;
  const extra: Record<string, JsonValue> = {};
  for (const field of fields) {
    if (!isJsonObject(parentRecord) || !(field in parentRecord)) {
      throw new TributaryError(
        'DATA_SELECTOR',
        `resource ${run.plan.name}: include_from_parent field "${field}" is not a top-level field of ${parent.resource} records`,
      );
    }
    extra[`_${parent.resource}_${field}`] = parentRecord[field] ?? null;
  }
  return records.map((record) => (isJsonObject(record) ? { ...record, ...extra } : record));
}

/**
 * Extracts every selected resource into the load package. Resources without a parent run in
 * config order; after each page of a parent, its children run once per record of that page (dlt's
 * order), so memory holds one page per level.
 */
export async function extractSource(ctx: ExtractContext): Promise<ExtractResult> {
  const runs = new Map<string, ResourceRun>();
  for (const plan of ctx.source.resources) {
    const stored = storedIncremental(ctx.sourceState, plan.name);
    const run: ResourceRun = {
      plan,
      children: [],
      auth: createAuthenticator('auth' in plan.endpoint ? plan.endpoint.auth : ctx.source.client.auth, {
        http: ctx.http,
        now: ctx.runtime.now,
        resource: plan.name,
      }),
      incremental: plan.incremental
        ? new IncrementalCursor(plan.incremental, stored[plan.incremental.cursor_path], plan.primaryKey)
        : undefined,
      table: plan.selected ? ctx.normalizer.addResource(plan) : undefined,
      pages: 0,
      records: 0,
      stopReason: undefined,
    };
    runs.set(plan.name, run);
    if (plan.parent !== undefined) runs.get(plan.parent)?.children.push(run);
  }
  const started = new Set<string>();
  const echoed = new Set<string>();
  const execute = async (run: ResourceRun, parent: Bindings['parent']): Promise<void> => {
    if (!started.has(run.plan.name)) {
      started.add(run.plan.name);
      ctx.runtime.emit({ type: 'resource_started', resource: run.plan.name });
    }
    const bindings: Bindings = {
      ...(parent ? { parent } : {}),
      ...(run.incremental ? { incremental: run.incremental } : {}),
    };
    const pages = paginateResource(
      run.plan,
      ctx.source.client,
      { http: ctx.http, runtime: ctx.runtime, auth: run.auth, concurrency: ctx.concurrency },
      bindings,
    );
    for await (const page of pages) {
      // A server that echoes a credential back must not put it into a package, the state or a table.
      const redacted =
        page.text === undefined || secretRegistry.mayHoldInJson(page.text.text)
          ? secretRegistry.redactRecords(page.records)
          : 0;
      if (redacted > 0 && !echoed.has(run.plan.name)) {
        echoed.add(run.plan.name);
        ctx.runtime.emit({
          type: 'warning',
          message: `resource ${run.plan.name}: the API returned a secret in its records; stored as ***`,
        });
      }
      // dlt adds the parent's fields as records come off the page, before processing steps and incremental.
      let records = applyProcessingSteps(
        withParentFields(run, page.records, parent),
        run.plan.processingSteps,
      );
      let stop = false;
      if (run.incremental) ({ kept: records, stop } = run.incremental.filter(records));
      // A child's total is per parent record: only a top-level resource knows its whole walk.
      const expectedPages = run.plan.parent === undefined ? page.first?.expectedPages : undefined;
      run.pages++;
      run.records += records.length;
      if (run.table !== undefined && expectedPages !== undefined && run.pages === 1) {
        ctx.normalizer.expectRecords(page.records.length * (expectedPages - 1));
      }
      run.stopReason = stop ? 'incremental: past the end of the window (row_order)' : page.stopReason;
      const pageEvent = {
        type: 'page',
        resource: run.plan.name,
        page: run.pages,
        records: records.length,
        totalRecords: run.records,
        ...(expectedPages === undefined ? {} : { expectedPages }),
      } as const;
      // The page is reported once its rows are in the package (with a worker, a little later).
      if (run.table === undefined) ctx.runtime.emit({ ...pageEvent, rows: 0, normalizeMs: 0 });
      else {
        // Records still exactly as the page holds them (nothing redacted, added, mapped or filtered)
        // go to the normalize worker as the page's own text, not written out again.
        const text = redacted === 0 && records === page.records ? page.text : undefined;
        await ctx.normalizer.write(
          run.plan.name,
          records,
          (rows, normalizeMs) => ctx.runtime.emit({ ...pageEvent, rows, normalizeMs }),
          text,
        );
      }
      for (const child of run.children) {
        // Children of different parent records may be fetched together; their rows land in any order.
        await forEachLimited(
          records,
          ctx.concurrency,
          (record) => execute(child, { resource: run.plan.name, record }),
          ctx.onFailure,
        );
      }
      if (stop) break;
    }
  };
  // A resource that is not selected runs only to feed selected children.
  const needed = (run: ResourceRun): boolean => run.plan.selected || run.children.some(needed);
  for (const run of runs.values()) run.children = run.children.filter(needed);
  const roots = [...runs.values()].filter((run) => run.plan.parent === undefined && needed(run));
  await forEachLimited(roots, ctx.concurrency, (run) => execute(run, undefined), ctx.onFailure);
  const schema = await ctx.normalizer.finish();

  const resources = { ...(ctx.sourceState.resources as Record<string, unknown> | undefined) };
  for (const run of runs.values()) {
    ctx.runtime.emit({
      type: 'resource_finished',
      resource: run.plan.name,
      pages: run.pages,
      records: run.records,
      stopReason: run.stopReason,
    });
    const discarded = run.table === undefined ? 0 : ctx.normalizer.discardedRows(run.plan.name);
    if (discarded > 0) {
      ctx.runtime.emit({
        type: 'warning',
        message: `resource ${run.plan.name}: ${discarded} rows discarded by the schema contract`,
      });
    }
    const state = run.incremental?.state();
    if (state && run.plan.incremental) {
      const previous = (resources[run.plan.name] ?? {}) as { incremental?: IncrementalStates };
      resources[run.plan.name] = {
        ...previous,
        incremental: { ...previous.incremental, [run.plan.incremental.cursor_path]: state },
      };
    }
  }
  const rootTables = [...runs.values()].flatMap((run) => (run.table ? [run.table] : []));
  return { rootTables, sourceState: { ...ctx.sourceState, resources }, schema };
}
