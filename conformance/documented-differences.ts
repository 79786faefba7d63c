import { compareOutcomes, type Difference, type ToolOutcome } from './compare-outcomes.js';
import type { ExplainedDifference } from './report-writer.js';
import type { DocumentedDifference } from './scenario.js';

/** A row of docs/dlt-compatibility.md that a scenario cites. */
export interface DocRow {
  row: string;
  /** 1-based line in the file. */
  line: number;
  /** GitHub's anchor of the section holding the row. */
  anchor: string;
  status: string;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to `-`. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Finds each table row by its first cell; rows that are not there are left out. */
export function findDocRows(markdown: string, rows: string[]): Map<string, DocRow> {
  const found = new Map<string, DocRow>();
  let anchor = '';
  for (const [i, line] of markdown.split('\n').entries()) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      anchor = headingAnchor(heading[1]!);
      continue;
    }
    if (!line.startsWith('|')) continue;
    const cells = line.split(' | ').map((cell) => cell.replace(/^\|\s*/, '').trim());
    const first = cells[0] ?? '';
    if (rows.includes(first) && !found.has(first)) {
      found.set(first, { row: first, line: i + 1, anchor, status: cells[1] ?? '' });
    }
  }
  return found;
}

/** The documented row that explains a difference, if any (only rows that exist in the doc count). */
export function explain(
  difference: Difference,
  documented: DocumentedDifference[],
  rows: Map<string, DocRow>,
): DocRow | undefined {
  for (const entry of documented) {
    if (entry.kind === undefined || entry.kind !== difference.kind) continue;
    if (entry.table !== undefined && entry.table !== difference.table) continue;
    const text = `${difference.what}\n${difference.dlt}\n${difference.tributary}`;
    if (entry.pattern !== undefined && !entry.pattern.test(text)) continue;
    const row = rows.get(entry.row);
    if (row) return row;
  }
  return undefined;
}

const key = (d: Difference) => `${d.kind}|${d.table ?? ''}|${d.run ?? ''}|${d.what}`;

/**
 * Compares dlt's and Tributary's outcomes and says which differences the documentation explains.
 * Rows with `adjust` rewrite dlt's tables the documented way, one after another: a difference that
 * goes away at a step is documented by that row, and the comparison goes on with the adjusted
 * tables, so a documented difference cannot hide another one in the same table. What is left is
 * matched against the rows' `kind`/`table`/`pattern`, else undocumented.
 */
export function explainDifferences(
  dlt: ToolOutcome,
  tributary: ToolOutcome,
  documented: DocumentedDifference[],
  rows: Map<string, DocRow>,
  authHeaders: string[],
): ExplainedDifference[] {
  const out: ExplainedDifference[] = [];
  let current = compareOutcomes(dlt, tributary, authHeaders);
  const tables = structuredClone(dlt.tables);
  for (const entry of documented) {
    const row = rows.get(entry.row);
    if (!entry.adjust || !row || current.length === 0) continue;
    entry.adjust(tables);
    const next = compareOutcomes({ ...dlt, tables }, tributary, authHeaders);
    const left = new Set(next.map(key));
    for (const d of current) if (!left.has(key(d))) out.push({ ...d, documentedBy: row });
    current = next;
  }
  for (const d of current) {
    const row = explain(d, documented, rows);
    out.push(row ? { ...d, documentedBy: row } : d);
  }
  return out;
}
