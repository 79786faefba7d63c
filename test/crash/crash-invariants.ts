import { createHash } from 'node:crypto';
import type { CrashDataset } from './crash-dataset.js';
import { type CanonicalRow, canonicalRows, type DbDump, valuesText } from './crash-db-dump.js';

export const MERGE_ROOT = 'tasks';
export const APPEND_ROOT = 'events';
const CURSOR_PATH = ['sources', 'rest_api', 'resources', 'tasks', 'incremental', 'updated_at'];

type Flat = Record<string, unknown>;

/** The rows dlt's normalizer makes of the API's data, as `[table, root id, list path, fields]`. */
function expectedTaskRows(dataset: CrashDataset): Array<[string, number, string, Flat]> {
  const out: Array<[string, number, string, Flat]> = [];
  for (const { tags, comments, ...task } of dataset.tasks) {
    out.push(['tasks', task.id, '', task]);
    tags.forEach((value, i) => {
      out.push(['tasks__tags', task.id, `[${i}]`, { value }]);
    });
    comments.forEach(({ reactions, ...comment }, i) => {
      out.push(['tasks__comments', task.id, `[${i}]`, comment]);
      reactions.forEach((value, j) => {
        out.push(['tasks__comments__reactions', task.id, `[${i}][${j}]`, { value }]);
      });
    });
  }
  return out;
}

function expectedEventRows(dataset: CrashDataset): Array<[string, number, string, Flat]> {
  const out: Array<[string, number, string, Flat]> = [];
  for (const { items, ...event } of dataset.events) {
    out.push(['events', event.id, '', event]);
    items.forEach((item, i) => {
      out.push(['events__items', event.id, `[${i}]`, item]);
    });
  }
  return out;
}

/** A JS value as DuckDB's text of it for the column's type (see `asText` in crash-db-dump). */
function render(value: unknown, type: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (type !== undefined && /^TIMESTAMP/i.test(type)) return String(Date.parse(String(value)));
  if (type === 'DOUBLE' && typeof value === 'number' && Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

/**
 * The canonical lines the API's current data should give, rendered with the columns the database
 * has: a database column the data lacks is null; a non-null field the database lacks still appears
 * (so that a missing column shows up as a difference).
 */
function oracleLines(rows: Array<[string, number, string, Flat]>, dump: DbDump): string[] {
  return rows.map(([table, id, path, fields]) => {
    const columns = dump.tables.get(table)?.columns ?? [];
    const values: Record<string, string | null> = {};
    for (const c of columns) values[c.name] = render(fields[c.name], c.type);
    for (const [name, value] of Object.entries(fields)) {
      if (!(name in values) && value !== null) values[name] = render(value, undefined);
    }
    return `${table} id=${id} ${path} ${valuesText(values)}`;
  });
}

export function checksum(lines: readonly string[]): string {
  return createHash('sha256')
    .update([...lines].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** Fails with a short, readable difference when two multisets of lines are not equal. */
function compareLines(
  what: string,
  actual: readonly string[],
  expected: readonly string[],
  problems: string[],
) {
  if (checksum(actual) === checksum(expected) && actual.length === expected.length) return;
  const count = (lines: readonly string[]) => {
    const map = new Map<string, number>();
    for (const line of lines) map.set(line, (map.get(line) ?? 0) + 1);
    return map;
  };
  const a = count(actual);
  const e = count(expected);
  const extra = [...a]
    .filter(([l, n]) => n > (e.get(l) ?? 0))
    .map(([l, n]) => `${n - (e.get(l) ?? 0)}× ${l}`);
  const missing = [...e]
    .filter(([l, n]) => n > (a.get(l) ?? 0))
    .map(([l, n]) => `${n - (a.get(l) ?? 0)}× ${l}`);
  problems.push(
    `${what}: ${actual.length} rows (checksum ${checksum(actual)}), expected ${expected.length} (checksum ${checksum(expected)}); ` +
      `${extra.length} unexpected, e.g. ${extra.slice(0, 3).join(' | ') || '-'}; ` +
      `${missing.length} missing, e.g. ${missing.slice(0, 3).join(' | ') || '-'}`,
  );
}

function perTableCounts(rows: readonly CanonicalRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.table] = (counts[row.table] ?? 0) + 1;
  return counts;
}

/** The stored incremental state of `tasks.updated_at` in the newest committed state row. */
export function storedCursor(dump: DbDump): { last_value?: unknown; unique_hashes?: string[] } | undefined {
  const latest = dump.states.filter((s) => dump.loads.includes(s.loadId)).at(-1);
  let node: unknown = latest?.state;
  for (const key of CURSOR_PATH) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as { last_value?: unknown; unique_hashes?: string[] } | undefined;
}

/** dlt's boundary-dedup hash of a record's primary key (IncrementalCursor#hash for `id`). */
function keyHash(id: string): string {
  return createHash('sha256').update(`[${id}]`).digest('base64').slice(0, 22);
}

export interface CheckOptions {
  /** The API's data now, the oracle. */
  dataset: CrashDataset;
  /** True after a run that completed: the tables must then equal the oracle and the reference. */
  complete: boolean;
  /** The clean pipeline's database after the same data changes (only with `complete`). */
  reference?: DbDump;
}

/**
 * The invariants that hold after any kill (no partial load, no duplicate key, state never ahead of
 * the data) and, with `complete`, the equalities with the API's data and the clean reference.
 * Returns the problems found, empty when all hold.
 */
export function checkInvariants(dump: DbDump, options: CheckOptions): string[] {
  const problems: string[] = [];
  const loads = new Set(dump.loads);
  if (dump.otherStatusLoads.length > 0)
    problems.push(`_dlt_loads rows with status != 0: ${dump.otherStatusLoads}`);
  const rows = canonicalRows(dump, problems);
  for (const [table, entry] of dump.tables) {
    if (!entry.columns.some((c) => c.name === '_dlt_load_id')) continue;
    const unknown = new Set(entry.rows.map((r) => String(r._dlt_load_id)).filter((id) => !loads.has(id)));
    if (unknown.size > 0)
      problems.push(`${table} has rows of loads not in _dlt_loads: ${[...unknown].join(', ')}`);
  }
  for (const s of dump.states) {
    if (!loads.has(s.loadId))
      problems.push(`_dlt_pipeline_state row of load ${s.loadId} is not in _dlt_loads`);
  }
  const versions = dump.states.map((s) => s.version);
  if (versions.some((v, i) => i > 0 && v <= (versions[i - 1] ?? 0))) {
    problems.push(`state versions do not increase with load ids: ${versions.join(',')}`);
  }

  // Merge: one root row per key.
  const ids = (dump.tables.get(MERGE_ROOT)?.rows ?? []).map((r) => String(r.id));
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length > 0)
    problems.push(`duplicate primary keys in ${MERGE_ROOT}: ${[...new Set(duplicates)].slice(0, 10)}`);

  // Append: every committed load holds the whole event set once, never a part of it.
  const eventLines = oracleLines(expectedEventRows(options.dataset), dump);
  const byLoad = new Map<string, string[]>();
  for (const row of rows.filter((r) => r.root === APPEND_ROOT)) {
    const lines = byLoad.get(row.loadId);
    if (lines === undefined) byLoad.set(row.loadId, [row.line]);
    else lines.push(row.line);
  }
  for (const [loadId, lines] of byLoad)
    compareLines(`${APPEND_ROOT} rows of load ${loadId}`, lines, eventLines, problems);
  const withoutEvents = dump.loads.filter((id) => !byLoad.has(id));
  if (withoutEvents.length > 0)
    problems.push(`loads without ${APPEND_ROOT} rows: ${withoutEvents.join(', ')}`);
  const eventRoots = dump.tables.get(APPEND_ROOT)?.rows.length ?? 0;
  if (eventRoots !== dump.loads.length * options.dataset.events.length) {
    problems.push(
      `${APPEND_ROOT} has ${eventRoots} rows, not ${dump.loads.length} loads × ${options.dataset.events.length}`,
    );
  }

  // State never ahead of the data: the cursor is at most the newest committed updated_at, and every
  // boundary key it remembers is a committed row on that boundary.
  const cursor = storedCursor(dump);
  const tasks = dump.tables.get(MERGE_ROOT)?.rows ?? [];
  const maxCommitted = Math.max(-Infinity, ...tasks.map((r) => Number(r.updated_at)));
  if (cursor?.last_value !== undefined) {
    const last = Date.parse(String(cursor.last_value));
    if (!(last <= maxCommitted)) {
      problems.push(
        `stored cursor ${cursor.last_value} is past the newest committed updated_at (${new Date(maxCommitted).toISOString()})`,
      );
    }
    const onBoundary = new Set(
      tasks.filter((r) => Number(r.updated_at) === last).map((r) => keyHash(String(r.id))),
    );
    const unseen = (cursor.unique_hashes ?? []).filter((h) => !onBoundary.has(h));
    if (unseen.length > 0)
      problems.push(
        `stored cursor remembers ${unseen.length} boundary keys with no committed row at ${cursor.last_value}`,
      );
  } else if (dump.loads.length > 0) {
    problems.push('committed loads but no stored tasks cursor');
  }

  if (!options.complete) return problems;
  const mergeRows = rows.filter((r) => r.root === MERGE_ROOT);
  compareLines(
    `${MERGE_ROOT} tables vs the API's data`,
    mergeRows.map((r) => r.line),
    oracleLines(expectedTaskRows(options.dataset), dump),
    problems,
  );
  if (cursor?.last_value !== options.dataset.maxUpdatedAt) {
    problems.push(
      `stored cursor ${String(cursor?.last_value)} after a complete run, expected ${options.dataset.maxUpdatedAt}`,
    );
  }
  const reference = options.reference;
  if (reference !== undefined) {
    const shape = (d: DbDump) =>
      [...d.tables].map(([t, e]) => `${t}(${e.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`).sort();
    compareLines('tables and columns vs the reference', shape(dump), shape(reference), problems);
    const refRows = canonicalRows(reference, []);
    const refMerge = refRows.filter((r) => r.root === MERGE_ROOT);
    compareLines(
      `${MERGE_ROOT} tables vs the reference`,
      mergeRows.map((r) => r.line),
      refMerge.map((r) => r.line),
      problems,
    );
    const counts = JSON.stringify(perTableCounts(mergeRows));
    const refCounts = JSON.stringify(perTableCounts(refMerge));
    if (counts !== refCounts) problems.push(`row counts ${counts}, reference ${refCounts}`);
    const refLoad = reference.loads.at(-1);
    const refEvents = refRows
      .filter((r) => r.root === APPEND_ROOT && r.loadId === refLoad)
      .map((r) => r.line);
    compareLines(
      `one load of ${APPEND_ROOT} vs the reference's last load`,
      byLoad.get(dump.loads.at(-1) ?? '') ?? [],
      refEvents,
      problems,
    );
    if (JSON.stringify(storedCursor(reference)?.last_value) !== JSON.stringify(cursor?.last_value)) {
      problems.push(
        `stored cursor ${String(cursor?.last_value)}, reference ${String(storedCursor(reference)?.last_value)}`,
      );
    }
  }
  return problems;
}
