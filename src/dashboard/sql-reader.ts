/** One read-only query: `$1`, `$2`, … bound to `params`, rows as JSON-ready objects. */
export type ReadQuery = (sql: string, params?: readonly (string | number)[]) => Promise<Row[]>;

export type Row = Record<string, unknown>;

/**
 * Read-only SQL access to a destination for the dashboard. `read` runs its work on one connection
 * (one snapshot where the database has them) and releases it afterwards, so that the dashboard
 * holds nothing open between requests.
 */
export interface SqlReader {
  readonly type: string;
  /** Where the data is, safe to show (no credentials). */
  readonly location: string;
  read<T>(work: (query: ReadQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
