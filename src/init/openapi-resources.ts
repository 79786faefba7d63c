import { collectionShape, isUrlField, itemFields } from './openapi-collection.js';
import { type GetOperation, getOperations, type JsonObject, schemaProperties } from './openapi-document.js';
import { inferPaginator } from './openapi-paginator.js';

/** One resource to write into the config, with the comment lines that say what was guessed. */
export interface ResourceDraft {
  name: string;
  path: string;
  paginator: Record<string, unknown>;
  dataSelector: string;
  params?: Record<string, number>;
  /** `id` when the records have one. */
  primaryKey?: string;
  includeFromParent?: string[];
  /** For a resource that follows record links: the detail endpoint it reads. */
  detailPath?: string;
  /** Why this paginator (written once on resource_defaults when resources share it). */
  pagingNote: string;
  notes: string[];
}

/** A GET endpoint that did not become a resource, and why. */
export interface SkippedEndpoint {
  path: string;
  reason: string;
}

const isParam = (segment: string) => /\{[^}]+\}/.test(segment);
const segmentsOf = (path: string) => path.split('/').filter((segment) => segment !== '');
const keyOf = (segments: string[]) => `/${segments.join('/')}`;

/** The static path segments every list endpoint starts with (`api/v2`), left out of resource names. */
function commonPrefix(paths: string[][]): number {
  const first = paths[0] ?? [];
  let length = 0;
  while (
    length < first.length - 1 &&
    !isParam(first[length] ?? '') &&
    paths.every((path) => path.length > length + 1 && path[length] === first[length])
  )
    length++;
  return length;
}

/** A resource name from the path's static segments: `/api/v2/berry-firmness/` → `berry_firmness`. */
function nameFrom(segments: string[], prefix: number, taken: Set<string>): string {
  const base =
    segments
      .slice(prefix)
      .filter((segment) => !isParam(segment))
      .join('_')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'records';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

function listDraft(doc: JsonObject, op: GetOperation, name: string, path: string): ResourceDraft | undefined {
  const shape = collectionShape(doc, op.responseSchema);
  if (shape === undefined) return undefined;
  const guess = inferPaginator({
    queryParams: op.queryParams,
    fields: shape.fields,
    linkHeader: op.linkHeader,
  });
  const hasId = itemFields(doc, shape.itemSchema).has('id');
  return {
    name,
    path,
    paginator: guess.paginator,
    dataSelector: shape.dataSelector,
    ...(guess.params ? { params: guess.params } : {}),
    ...(hasId ? { primaryKey: 'id' } : {}),
    pagingNote: guess.note,
    notes: [],
  };
}

interface ParentRef {
  draft: ResourceDraft;
  op: GetOperation;
}

/**
 * The parent field a child's path parameter takes: a parent field of the same name, else `id`; when
 * the parent's records have neither but link to their detail record (`url`), a detail resource
 * that follows the link is added and the child reads from it.
 */
function bindParent(
  doc: JsonObject,
  parent: ParentRef,
  param: string,
  details: Map<string, GetOperation>,
  followed: Map<string, ResourceDraft>,
  taken: Set<string>,
): { resource: string; field: string; added?: ResourceDraft } | undefined {
  const items = itemFields(doc, collectionShape(doc, parent.op.responseSchema)?.itemSchema ?? {});
  for (const field of [param, 'id']) if (items.has(field)) return { resource: parent.draft.name, field };
  const detail = details.get(keyOf(segmentsOf(parent.op.path)));
  const detailFields = detail ? schemaProperties(doc, detail.responseSchema) : new Map<string, JsonObject>();
  const field = [param, 'id'].find((name) => detailFields.has(name));
  const link = [...items].find(([name, schema]) => isUrlField(name, schema))?.[0];
  if (detail === undefined || field === undefined || link === undefined) return undefined;
  let added = followed.get(parent.draft.name);
  if (added === undefined) {
    const name = nameFrom([`${parent.draft.name}_detail`], 0, taken);
    added = {
      name,
      path: `{resources.${parent.draft.name}.${link}}`,
      paginator: { type: 'single_page' },
      dataSelector: '$',
      ...(detailFields.has('id') ? { primaryKey: 'id' } : {}),
      detailPath: detail.path,
      pagingNote: '',
      notes: [
        `GUESSED: the records of ${parent.draft.name} have no "${param}" or "id", only a link ("${link}") to`,
        `${detail.path}; this resource follows it (one request per ${parent.draft.name} record) for the`,
        `"${field}" that ${param} needs. Drop it with the children below if you do not need them.`,
      ],
    };
    followed.set(parent.draft.name, added);
    return { resource: name, field, added };
  }
  return { resource: added.name, field };
}

/**
 * Turns the GET endpoints of an OpenAPI document into resources: one per list endpoint (a path
 * without a trailing path parameter whose response is an array or holds one), named from the path;
 * a list under one path parameter (`/users/{user_id}/posts`) becomes a child of the list that
 * yields the values (`{resources.users.id}`). Detail endpoints and the rest are reported as skipped.
 */
export function planResources(doc: JsonObject): { resources: ResourceDraft[]; skipped: SkippedEndpoint[] } {
  const skipped: SkippedEndpoint[] = [];
  const details = new Map<string, GetOperation>();
  const lists: GetOperation[] = [];
  for (const op of getOperations(doc)) {
    const segments = segmentsOf(op.path);
    if (isParam(segments.at(-1) ?? '')) {
      details.set(keyOf(segments.slice(0, -1)), op);
      skipped.push({ path: op.path, reason: 'one record per request (a detail endpoint)' });
    } else if (collectionShape(doc, op.responseSchema) === undefined) {
      skipped.push({
        path: op.path,
        reason: op.responseSchema ? 'returns one object, not a list' : 'no JSON response documented',
      });
    } else lists.push(op);
  }
  const prefix = commonPrefix(lists.map((op) => segmentsOf(op.path)));
  const taken = new Set<string>();
  const parents = new Map<string, ParentRef>();
  const resources: ResourceDraft[] = [];
  for (const op of lists.filter((o) => !segmentsOf(o.path).some(isParam))) {
    const draft = listDraft(doc, op, nameFrom(segmentsOf(op.path), prefix, taken), op.path);
    if (draft === undefined) continue;
    resources.push(draft);
    parents.set(keyOf(segmentsOf(op.path)), { draft, op });
  }
  const followed = new Map<string, ResourceDraft>();
  for (const op of lists.filter((o) => segmentsOf(o.path).some(isParam))) {
    const segments = segmentsOf(op.path);
    const at = segments.findIndex(isParam);
    if (segments.filter(isParam).length > 1) {
      skipped.push({
        path: op.path,
        reason: 'more than one path parameter (a child reads from one parent only)',
      });
      continue;
    }
    const param = (segments[at] ?? '').replace(/^.*\{([^}]+)\}.*$/, '$1');
    const parent = parents.get(keyOf(segments.slice(0, at)));
    const binding = parent && bindParent(doc, parent, param, details, followed, taken);
    if (parent === undefined || binding === undefined) {
      const why = parent
        ? `the records of ${parent.draft.name} have no field for {${param}}`
        : `no list endpoint at ${keyOf(segments.slice(0, at))} yields {${param}}`;
      skipped.push({ path: op.path, reason: why });
      continue;
    }
    const path = op.path.replace(`{${param}}`, `{resources.${binding.resource}.${binding.field}}`);
    const draft = listDraft(doc, op, nameFrom(segments, prefix, taken), path);
    if (draft === undefined) continue;
    if (binding.added) resources.push(binding.added);
    draft.includeFromParent = [binding.field];
    draft.notes.unshift(
      `GUESSED: child of ${binding.resource}: {${param}} is each ${binding.resource} record's "${binding.field}"`,
    );
    resources.push(draft);
  }
  for (const added of followed.values()) {
    const entry = skipped.find((s) => s.path === added.detailPath);
    if (entry) entry.reason = `one record per request; read through the links by ${added.name}`;
  }
  return { resources, skipped };
}
