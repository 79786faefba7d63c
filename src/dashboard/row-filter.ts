import { quoteIdentifier } from '../destinations/sql/sql-identifiers.js';

export const FILTER_OPS = ['eq', 'contains'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** One condition of the data preview: a column equal to a value, or containing a text. */
export interface RowFilter {
  column: string;
  op: FilterOp;
  value: string;
}

/** A filter that cannot be applied, with a message for the page. */
export class FilterError extends Error {
  override readonly name = 'FilterError';
}

/**
 * Parses the preview's filter: `column = value` (equal, compared as text) or `column ~ text`
 * (contains, ignoring case). A value in matching single or double quotes loses them, so
 * `status = 'done'` and `status = done` mean the same. Empty text is no filter.
 *
 * @example parseRowFilter("status = 'done'") // { column: 'status', op: 'eq', value: 'done' }
 */
export function parseRowFilter(text: string): RowFilter | undefined {
  if (text.trim() === '') return undefined;
  const match = /^\s*([^=~]+?)\s*([=~])\s*(.*?)\s*$/s.exec(text);
  if (match === null) {
    throw new FilterError(`filter "${text}" is not "column = value" or "column ~ text"`);
  }
  const [, column = '', operator, raw = ''] = match;
  const quoted = /^(['"])(.*)\1$/s.exec(raw);
  return { column, op: operator === '=' ? 'eq' : 'contains', value: quoted ? (quoted[2] ?? '') : raw };
}

/** The filter as the page writes it back. */
export function formatRowFilter(filter: RowFilter): string {
  return `${filter.column} ${filter.op === 'eq' ? '=' : '~'} ${filter.value}`;
}

/**
 * The `WHERE` clause of a filter, with the value bound as `$<first>`: the column must be one of
 * `columns` (the table's, as the database lists them) and is quoted; the value never enters the
 * SQL text. Values are compared as text (`CAST … AS VARCHAR`), which both DuckDB and Postgres do.
 */
export function filterClause(
  filter: RowFilter | undefined,
  columns: readonly string[],
  first = 1,
): { sql: string; params: string[] } {
  if (filter === undefined) return { sql: '', params: [] };
  if (!columns.includes(filter.column)) {
    throw new FilterError(`no column "${filter.column}" in this table; columns: ${columns.join(', ')}`);
  }
  const text = `CAST(${quoteIdentifier(filter.column)} AS VARCHAR)`;
  const sql =
    filter.op === 'eq' ? `WHERE ${text} = $${first}` : `WHERE strpos(lower(${text}), lower($${first})) > 0`;
  return { sql, params: [filter.value] };
}
