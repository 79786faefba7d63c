import { type DatasetSnapshot, type Row, withLabelledIds } from './dataset-snapshot.js';
import type { DifferenceKind } from './scenario.js';
import type { RecordedRequest } from './scenario-server.js';

export interface Difference {
  kind: DifferenceKind;
  table?: string;
  /** 0-based run, for per-run differences. */
  run?: number;
  what: string;
  dlt: string;
  tributary: string;
}

/** One tool's run: how it ended and the requests the API received. */
export interface RunOutcome {
  error?: string;
  requests: RecordedRequest[];
}

export interface ToolOutcome {
  runs: RunOutcome[];
  tables: DatasetSnapshot;
}

const MAX_SHOWN = 4;

const show = (values: unknown[]) =>
  values.length === 0
    ? '(none)'
    : values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ');

function sample(rows: Row[]): string {
  const shown = rows.slice(0, MAX_SHOWN).map((row) => JSON.stringify(row));
  return `${rows.length} row(s): ${shown.join(' ')}${rows.length > MAX_SHOWN ? ' …' : ''}`;
}

/** Rows of `a` not matched by a row of `b` (multisets). */
function without(a: Row[], b: Row[]): Row[] {
  const counts = new Map<string, number>();
  for (const row of b) {
    const key = JSON.stringify(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return a.filter((row) => {
    const key = JSON.stringify(row);
    const n = counts.get(key) ?? 0;
    if (n === 0) return true;
    counts.set(key, n - 1);
    return false;
  });
}

/** Compares two snapshots as stored (row ids are labelled here, after any adjustment). */
export function compareTables(dltTables: DatasetSnapshot, tributaryTables: DatasetSnapshot): Difference[] {
  const dlt = withLabelledIds(dltTables);
  const tributary = withLabelledIds(tributaryTables);
  const out: Difference[] = [];
  const dltNames = Object.keys(dlt).sort();
  const tribNames = Object.keys(tributary).sort();
  const onlyDlt = dltNames.filter((n) => !(n in tributary));
  const onlyTrib = tribNames.filter((n) => !(n in dlt));
  if (onlyDlt.length > 0 || onlyTrib.length > 0) {
    out.push({ kind: 'tables', what: 'table names', dlt: show(dltNames), tributary: show(tribNames) });
  }
  for (const table of dltNames) {
    const a = dlt[table]!;
    const b = tributary[table];
    if (!b) continue;
    const namesA = a.columns.map(([n]) => n);
    const namesB = b.columns.map(([n]) => n);
    if (JSON.stringify(namesA) !== JSON.stringify(namesB)) {
      const sameSet = JSON.stringify([...namesA].sort()) === JSON.stringify([...namesB].sort());
      out.push({
        kind: 'columns',
        table,
        what: sameSet ? 'column order' : 'column names',
        dlt: show(namesA),
        tributary: show(namesB),
      });
    }
    const typesB = new Map(b.columns.map(([n, t, nullable]) => [n, { t, nullable }]));
    for (const [name, type, nullable] of a.columns) {
      const other = typesB.get(name);
      if (!other) continue;
      if (other.t !== type)
        out.push({ kind: 'types', table, what: `type of ${name}`, dlt: type, tributary: other.t });
      if (other.nullable !== nullable) {
        out.push({
          kind: 'nullability',
          table,
          what: `nullability of ${name}`,
          dlt: nullable ? 'NULL' : 'NOT NULL',
          tributary: other.nullable ? 'NULL' : 'NOT NULL',
        });
      }
    }
    if (a.rows === undefined || b.rows === undefined) {
      const kind = a.rows === undefined ? 'system' : 'rows';
      if (a.rowCount !== b.rowCount) {
        out.push({ kind, table, what: 'row count', dlt: String(a.rowCount), tributary: String(b.rowCount) });
      }
      if (JSON.stringify(a.loads) !== JSON.stringify(b.loads)) {
        out.push({ kind, table, what: 'loads', dlt: show(a.loads ?? []), tributary: show(b.loads ?? []) });
      }
      continue;
    }
    const missing = without(a.rows, b.rows);
    const extra = without(b.rows, a.rows);
    if (a.rows.length !== b.rows.length) {
      out.push({
        kind: 'rows',
        table,
        what: 'row count',
        dlt: String(a.rows.length),
        tributary: String(b.rows.length),
      });
    }
    if (missing.length > 0 || extra.length > 0) {
      out.push({
        kind: 'rows',
        table,
        what: 'row values (rows only on one side)',
        dlt: sample(missing),
        tributary: sample(extra),
      });
    }
  }
  return out;
}

function mediaType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A request as compared: method, path, raw query, body (JSON bodies compared as parsed values, so
 * whitespace does not count, key order does) and its media type, and which auth headers were sent
 * (`authorization` with its scheme). Other headers (`User-Agent`, `Accept`) are not compared.
 */
export function describeRequest(request: RecordedRequest, authHeaders: string[]): string {
  let line = `${request.method} ${request.path}${request.rawQuery ? `?${request.rawQuery}` : ''}`;
  if (request.body !== '') {
    const type = mediaType(request.headers);
    let body = request.body;
    if (type.endsWith('json')) {
      try {
        body = JSON.stringify(JSON.parse(body));
      } catch {
        // Compared as sent.
      }
    }
    line += ` body(${type || 'no content-type'}) ${body}`;
  }
  const auth: string[] = [];
  const authorization = request.headers.authorization;
  if (authorization !== undefined) auth.push(`authorization: ${authorization.split(' ')[0]} …`);
  for (const name of authHeaders) if (name in request.headers) auth.push(`${name}: present`);
  if (auth.length > 0) line += ` [${auth.join(', ')}]`;
  return line;
}

export function compareRequests(
  run: number,
  dlt: RecordedRequest[],
  tributary: RecordedRequest[],
  authHeaders: string[],
): Difference[] {
  const a = dlt.map((r) => describeRequest(r, authHeaders));
  const b = tributary.map((r) => describeRequest(r, authHeaders));
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  if (JSON.stringify(sortedA) !== JSON.stringify(sortedB)) {
    const only = (x: string[], y: string[]) => {
      const rest = [...y];
      return x.filter((line) => {
        const at = rest.indexOf(line);
        if (at === -1) return true;
        rest.splice(at, 1);
        return false;
      });
    };
    const onlyA = only(a, b);
    const onlyB = only(b, a);
    const clip = (lines: string[]) => [
      ...lines.slice(0, MAX_SHOWN),
      ...(lines.length > MAX_SHOWN ? ['…'] : []),
    ];
    return [
      {
        kind: 'requests',
        run,
        what: `requests (${a.length} vs ${b.length}; ${onlyA.length} only by dlt, ${onlyB.length} only by Tributary)`,
        dlt: show(clip(onlyA)),
        tributary: show(clip(onlyB)),
      },
    ];
  }
  const first = a.findIndex((line, i) => line !== b[i]);
  if (first !== -1) {
    const order = (lines: string[]) => lines.map((l) => l.replace(/ \[.*\]$/, '')).join(' → ');
    return [
      {
        kind: 'requests',
        run,
        what: `request order (the same ${a.length} requests)`,
        dlt: order(a),
        tributary: order(b),
      },
    ];
  }
  return [];
}

export function compareOutcomes(
  dlt: ToolOutcome,
  tributary: ToolOutcome,
  authHeaders: string[],
): Difference[] {
  const out: Difference[] = [];
  const runs = Math.max(dlt.runs.length, tributary.runs.length);
  for (let run = 0; run < runs; run++) {
    const a = dlt.runs[run];
    const b = tributary.runs[run];
    if (!a || !b) continue;
    if ((a.error === undefined) !== (b.error === undefined)) {
      out.push({
        kind: 'outcome',
        run,
        what: 'run outcome',
        dlt: a.error ?? 'succeeded',
        tributary: b.error ?? 'succeeded',
      });
    }
    out.push(...compareRequests(run, a.requests, b.requests, authHeaders));
  }
  out.push(...compareTables(dlt.tables, tributary.tables));
  return out;
}
