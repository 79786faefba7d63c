import { toCompactJson } from './compact-json.js';
import { formatPythonFloat } from './float-format.js';
import { isJsonObject, JsonDouble, type JsonObject, type JsonValue } from './json-values.js';
import { type Naming, PATH_SEPARATOR } from './naming.js';
import { type NameCollision, NameCollisionError } from './normalize-errors.js';
import { childRowId, randomRowId } from './row-ids.js';

/** System column names (identical under `snake_case` normalization). */
export const C_DLT_ID = '_dlt_id';
export const C_DLT_LOAD_ID = '_dlt_load_id';
export const C_DLT_ROOT_ID = '_dlt_root_id';
export const C_DLT_PARENT_ID = '_dlt_parent_id';
export const C_DLT_LIST_IDX = '_dlt_list_idx';
/** Column of a nested row made from a scalar list element, and of a wrapped non-object root item. */
export const C_VALUE = 'value';
/** dlt's normalizer default `max_nesting` ("no limit" in its docs). */
export const DEFAULT_MAX_NESTING = 1000;
const EMPTY_KEY = '_empty';
const LIST_KEY = 'list';

export interface FlattenOptions {
  /** Root table name, already normalized. */
  table: string;
  naming: Naming;
  /** Written as `_dlt_load_id` on root rows only. */
  loadId: string;
  /** Propagate the root row's `_dlt_id` as `_dlt_root_id` to every nested row (merge). */
  rootKey: boolean;
  maxNesting?: number;
  /** A dict or list under a column that is already typed json is kept whole. */
  isJsonColumn?: (table: string, column: string) => boolean;
  /**
   * `_dlt_id` of the root row when the record brings none; random by default. Under a random root
   * id, nested rows get random ids too (see {@link flattenRecord}).
   */
  rootId?: (flatRow: Readonly<Record<string, unknown>>, record: JsonObject) => string;
}

export interface NormalizedRow {
  table: string;
  parentTable?: string;
  row: Record<string, unknown>;
}

interface NestedList {
  /** Joined normalized fragments of the nested table's path, before shortening. */
  path: string;
  items: JsonValue[];
}

interface RowTask {
  item: JsonValue;
  path: string;
  table: string;
  parentTable: string;
  parentId: string;
  index: number;
  /** Nesting budget of the row made from a dict element; a wrapped list element gets one less. */
  level: number;
  /** The parent's id was drawn at random (not brought, not a hash of something the data holds). */
  randomParent: boolean;
}

/**
 * Flattens one record into rows of the root table and its nested tables as dlt's relational
 * normalizer does: root row first, then nested rows depth-first. Iterative, so nesting depth cannot
 * overflow the stack. Throws {@link NameCollisionError} where dlt would silently merge two keys.
 * @example flattenRecord({ id: 1, tags: ['a'] }, { table: 'users', naming, loadId: '1.5', rootKey: false })
 * // [{ table: 'users', row: { id: 1, _dlt_load_id: '1.5', _dlt_id: '…' } },
 * //  { table: 'users__tags', parentTable: 'users', row: { value: 'a', _dlt_parent_id: '…', … } }]
 */
export function flattenRecord(record: JsonValue, options: FlattenOptions): NormalizedRow[] {
  const { table, naming, loadId } = options;
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const item: JsonObject = isJsonObject(record) ? record : { [C_VALUE]: record };
  const flattener = new Flattener(naming, options.isJsonColumn);

  const { row, lists } = flattener.flatten(table, item, maxNesting);
  row[C_DLT_LOAD_ID] = loadId;
  // A record that brings a (Python-truthy) `_dlt_id` keeps it, where the record has it.
  const ownRootId = isTruthy(row[C_DLT_ID]) ? row[C_DLT_ID] : undefined;
  const rootId =
    ownRootId !== undefined ? rowIdText(ownRootId) : (options.rootId?.(row, item) ?? randomRowId());
  if (ownRootId === undefined) row[C_DLT_ID] = rootId;
  const out: NormalizedRow[] = [{ table, row }];

  const propagatedRootId = options.rootKey ? (ownRootId ?? rootId) : undefined;
  const stack: RowTask[] = [];
  const randomRoot = ownRootId === undefined && options.rootId === undefined;
  pushTasks(stack, naming, lists, table, rootId, maxNesting - 1, randomRoot);
  for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
    // dlt wraps a list inside a list as `{"list": [...]}`: a link-only row one nesting level down.
    const isList = Array.isArray(task.item);
    const level = task.level - (isList ? 1 : 0);
    const source = isList ? { [LIST_KEY]: task.item } : isJsonObject(task.item) ? task.item : undefined;
    const { row: nested, lists: childLists } = source
      ? flattener.flatten(task.table, source, level)
      : { row: { [C_VALUE]: task.item }, lists: [] };
    if (propagatedRootId !== undefined) nested[C_DLT_ROOT_ID] = propagatedRootId;
    // Beyond dlt: a nested row that brings its own `_dlt_id` still gets its link columns (dlt drops
    // them, which breaks the NOT NULL `_dlt_parent_id` at load).
    const ownId = isTruthy(nested[C_DLT_ID]) ? nested[C_DLT_ID] : undefined;
    nested[C_DLT_PARENT_ID] = task.parentId;
    nested[C_DLT_LIST_IDX] = task.index;
    // dlt hashes `{parentId}_{table}_{index}`. Under a parent id drawn at random, a random id is
    // the same to every reader (unique, unrelated to the data) at a twentieth of the cost.
    const rowId =
      ownId !== undefined
        ? rowIdText(ownId)
        : task.randomParent
          ? randomRowId()
          : childRowId(task.parentId, task.table, task.index);
    if (ownId === undefined) nested[C_DLT_ID] = rowId;
    out.push({ table: task.table, parentTable: task.parentTable, row: nested });
    const randomId = ownId === undefined && task.randomParent;
    pushTasks(stack, naming, childLists, task.table, rowId, level - 1, randomId, task.path);
  }
  return out;
}

/** Queues the elements of `lists` so that popping yields them in dlt's order (list by list, in order). */
function pushTasks(
  stack: RowTask[],
  naming: Naming,
  lists: readonly NestedList[],
  parentTable: string,
  parentId: string,
  level: number,
  randomParent: boolean,
  parentPath: string = parentTable,
): void {
  for (let l = lists.length - 1; l >= 0; l--) {
    const list = lists[l]!;
    const path = `${parentPath}${PATH_SEPARATOR}${list.path}`;
    const table = naming.shortenFragments(path);
    for (let index = list.items.length - 1; index >= 0; index--) {
      stack.push({
        item: list.items[index]!,
        path,
        table,
        parentTable,
        parentId,
        index,
        level,
        randomParent,
      });
    }
  }
}

interface PendingDict {
  object: JsonObject;
  level: number;
  /** Joined normalized key path of this dict inside the row ('' at the top). */
  prefix: string;
  /** Raw keys leading to this dict, for error messages; kept only when explaining a collision. */
  source: readonly string[];
}

/** Which raw key path claimed each name, to say which two keys collide. */
type KeySources = Record<NameCollision['kind'], Map<string, readonly string[]>>;

const NO_SOURCE: readonly string[] = [];

class Flattener {
  constructor(
    private readonly naming: Naming,
    private readonly isJsonColumn: FlattenOptions['isJsonColumn'],
  ) {}

  /**
   * Flattens nested dicts into `parent__child` columns and collects lists. dlt walks a LIFO stack:
   * a dict's own keys come first in input order, its nested dicts afterwards in reverse order.
   */
  flatten(
    table: string,
    object: JsonObject,
    level: number,
  ): { row: Record<string, unknown>; lists: NestedList[] } {
    return this.walk(table, object, level, undefined);
  }

  /**
   * The walk behind {@link flatten}. A second key for a name is found from what was built (the row's
   * columns, the list paths); which raw keys they were is needed only for the error, so the key paths
   * (an array per key per record) are kept only by a second walk, `sources` given, that throws it.
   */
  private walk(
    table: string,
    object: JsonObject,
    level: number,
    sources: KeySources | undefined,
  ): { row: Record<string, unknown>; lists: NestedList[] } {
    const row: Record<string, unknown> = {};
    const lists: NestedList[] = [];
    let listPaths: Set<string> | undefined;
    const stack: PendingDict[] = [{ object, level, prefix: '', source: NO_SOURCE }];
    for (let dict = stack.pop(); dict !== undefined; dict = stack.pop()) {
      for (const key of Object.keys(dict.object)) {
        const value = dict.object[key] as JsonValue;
        const name = this.normalizeKey(key);
        const path = dict.prefix === '' ? name : `${dict.prefix}${PATH_SEPARATOR}${name}`;
        const column = dict.prefix === '' ? name : this.naming.shortenFragments(path);
        const source = sources ? [...dict.source, key] : NO_SOURCE;
        if ((isJsonObject(value) || Array.isArray(value)) && !this.keepsWhole(table, column, dict.level)) {
          if (isJsonObject(value)) {
            stack.push({ object: value, level: dict.level - 1, prefix: path, source });
            continue;
          }
          if (sources) claim(sources['nested table'], path, source, table, 'nested table');
          listPaths ??= new Set();
          if (listPaths.has(path)) return this.explainCollision(table, object, level);
          listPaths.add(path);
          lists.push({ path, items: value });
          continue;
        }
        if (sources) claim(sources.column, column, source, table, 'column');
        // Every column of the row so far came from one key: this is a second key for the name.
        if (Object.hasOwn(row, column)) return this.explainCollision(table, object, level);
        row[column] = value;
      }
    }
    return { row, lists };
  }

  /** Walks again keeping every key path, which throws the {@link NameCollisionError} naming both keys. */
  private explainCollision(table: string, object: JsonObject, level: number): never {
    this.walk(table, object, level, { column: new Map(), 'nested table': new Map() });
    throw new Error(`flattening ${table} met a name twice, but not when walked again`);
  }

  private keepsWhole(table: string, column: string, level: number): boolean {
    return level <= 0 || (this.isJsonColumn?.(table, column) ?? false);
  }

  // dlt names a blank key `_empty` (a blank key normalizes to ''); we do the same for keys that
  // normalize to nothing (`__`) and for list keys, where dlt would produce an empty name (and write
  // the nested rows into the parent table itself).
  private normalizeKey(key: string): string {
    const name = this.naming.normalizePath(key);
    return name === '' ? EMPTY_KEY : name;
  }
}

/** Records which key path claimed `name`; throws {@link NameCollisionError} if one did before. */
function claim(
  sources: Map<string, readonly string[]>,
  name: string,
  source: readonly string[],
  table: string,
  kind: NameCollision['kind'],
): void {
  const previous = sources.get(name);
  if (previous !== undefined)
    throw new NameCollisionError({ table, name, kind, sources: [previous, source] });
  sources.set(name, source);
}

/** Python truthiness, which decides whether dlt keeps a `_dlt_id` the record brings. */
function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof JsonDouble) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** The text a kept `_dlt_id` contributes to child ids (Python `str()` for scalars). */
function rowIdText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === true) return 'True';
  if (value instanceof JsonDouble) return formatPythonFloat(value.value);
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? String(value) : formatPythonFloat(value);
  if (typeof value === 'bigint') return value.toString();
  return toCompactJson(value);
}
