import type { DatasetSnapshot } from './dataset-snapshot.js';
import type { ApiHandler } from './scenario-server.js';

/** What a difference is about; the report and the documented-difference matchers use it. */
export type DifferenceKind =
  | 'outcome'
  | 'tables'
  | 'columns'
  | 'types'
  | 'nullability'
  | 'rows'
  | 'system'
  | 'requests'
  /** The scenario itself did not do what it is for (dlt failed, or loaded no row). */
  | 'harness';

/**
 * A difference that `docs/dlt-compatibility.md` already explains: the scenario names the row (its
 * first cell, verbatim) and either how the row turns dlt's tables into Tributary's (`adjust`), or
 * which differences it covers (`kind`, `table`, `pattern`). Rows not in the doc explain nothing.
 */
export interface DocumentedDifference {
  /** First cell of the row in docs/dlt-compatibility.md, without the surrounding `|`. */
  row: string;
  /** Rewrites dlt's tables (stored ids, unsorted rows) into what the row says Tributary writes. */
  adjust?: (dlt: DatasetSnapshot) => void;
  kind?: DifferenceKind;
  /** Only differences in this table. */
  table?: string;
  /** Only differences whose description matches. */
  pattern?: RegExp;
}

/**
 * One conformance scenario: a dlt `rest_api_source` config and the API it talks to. Both tools
 * run the same config against the same API, `runs` times each, into their own DuckDB files.
 */
export interface Scenario {
  /** kebab-case, unique. */
  name: string;
  /** What it exercises, one line for the report. */
  covers: string;
  /** The config as written for dlt; `{secrets.x}` strings are `dlt.secrets["x"]`. */
  config: (origin: string) => Record<string, unknown>;
  /** `rest_api_source(...)` keyword arguments; Tributary reads them from its `source` block. */
  source?: Record<string, unknown>;
  /** Environment both tools see (secrets, credentials). */
  env?: Record<string, string>;
  /** Default 1. */
  runs?: number;
  /** A fresh API for each tool (state such as issued tokens starts over). */
  api: () => ApiHandler;
  /** Request headers (lower-case) whose presence is compared, besides `authorization`. */
  authHeaders?: string[];
  documented?: DocumentedDifference[];
  /**
   * 0-based runs in which dlt is meant to fail (a scenario about an error). Otherwise every dlt
   * run must succeed and dlt must load at least one row, or the scenario is a harness failure.
   */
  dltFails?: number[];
}
