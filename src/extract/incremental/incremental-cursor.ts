import { createHash } from 'node:crypto';
import type { IncrementalConfig } from '../../config/config-schema.js';
import { TributaryError } from '../../errors/tributary-error.js';
import { stringifyExact } from '../../normalize/exact-json.js';
import { isJsonObject, type JsonValue } from '../../normalize/json-values.js';
import { findAll } from '../select/json-path.js';
import { applyLag, compareCursor } from './cursor-compare.js';

/** dlt's stored incremental state for one cursor path. */
export interface IncrementalState {
  initial_value: unknown;
  last_value: unknown;
  unique_hashes: string[];
  start_value: unknown;
}

type Convert = (value: unknown) => unknown;

/**
 * One resource's incremental cursor for a run (reference §6): the window it requests, the filter it
 * applies to records, and the state it leaves. With `end_value` it is stateless.
 */
export class IncrementalCursor {
  readonly config: IncrementalConfig;
  readonly startValue: unknown;
  readonly endValue: unknown;
  readonly #stateless: boolean;
  readonly #dedup: boolean;
  readonly #storedHashes: Set<string>;
  readonly #primaryKey: string[];
  readonly #sign: 1 | -1;
  #lastValue: unknown;
  #lastHashes = new Set<string>();

  constructor(config: IncrementalConfig, stored: IncrementalState | undefined, resourcePrimaryKey: string[]) {
    this.config = config;
    if (typeof config.last_value_func === 'function') {
      throw new TributaryError(
        'CONFIG_INVALID',
        'incremental.last_value_func: only "max" and "min" are supported',
      );
    }
    this.#sign = config.last_value_func === 'min' ? -1 : 1;
    this.endValue = config.end_value ?? null;
    this.#stateless = config.end_value !== undefined && config.end_value !== null;
    if (this.#stateless && (config.initial_value === undefined || config.initial_value === null)) {
      throw new TributaryError('CONFIG_INVALID', 'incremental.end_value needs an initial_value');
    }
    const source = this.#stateless ? undefined : stored;
    let start: unknown = source?.last_value ?? config.initial_value ?? null;
    if (config.lag !== undefined && start !== null && !this.#stateless) {
      start = applyLag(start, config.lag);
      const initial = config.initial_value;
      if (initial !== undefined && initial !== null && this.#cmp(start, initial) < 0) start = initial;
    }
    this.startValue = start;
    this.#lastValue = start;
    this.#primaryKey = config.primary_key === undefined ? resourcePrimaryKey : [config.primary_key].flat();
    // An explicit empty key turns the boundary dedup off, as in dlt (no key at all hashes the whole record).
    const noDedupKey = Array.isArray(config.primary_key) && config.primary_key.length === 0;
    this.#dedup =
      !this.#stateless && config.range_start !== 'open' && config.lag === undefined && !noDedupKey;
    this.#storedHashes = new Set(this.#dedup ? (source?.unique_hashes ?? []) : []);
    if (source && start !== null && compareCursor(start, source.last_value ?? start) === 0) {
      this.#lastHashes = new Set(source.unique_hashes);
    }
  }

  #cmp(a: unknown, b: unknown): number {
    return this.#sign * compareCursor(a, b);
  }

  get #convert(): Convert | undefined {
    return (this.config.convert ?? this.config.transform) as Convert | undefined;
  }

  /** `start_param` / `end_param` values for the request; `None` params are left out. */
  requestParams(): Record<string, unknown> {
    const params: Record<string, unknown> = {};
    const convert = this.#convert;
    const value = (v: unknown) => (convert ? convert(v) : v);
    if (this.config.start_param) params[this.config.start_param] = value(this.startValue);
    if (this.config.end_param) params[this.config.end_param] = value(this.endValue);
    return params;
  }

  /** Values for `{incremental.<name>}` placeholders (converted when `convert` is set, None stays None). */
  templateValue(name: string): unknown {
    const convert = this.#convert;
    const raw: Record<string, unknown> = {
      start_value: this.startValue,
      last_value: this.startValue,
      initial_value: this.config.initial_value ?? null,
      end_value: this.endValue,
      lag: this.config.lag ?? null,
      cursor_path: this.config.cursor_path,
    };
    if (!(name in raw))
      throw new TributaryError('CONFIG_INVALID', `unknown placeholder "{incremental.${name}}"`);
    const value = raw[name];
    const converted = ['start_value', 'last_value', 'initial_value', 'end_value'].includes(name);
    return converted && convert && value !== null ? convert(value) : value;
  }

  #hash(record: JsonValue): string {
    const key =
      isJsonObject(record) && this.#primaryKey.length > 0
        ? this.#primaryKey.map((k) => record[k] ?? null)
        : record;
    return createHash('sha256').update(stringifyExact(key)).digest('base64').slice(0, 22);
  }

  /**
   * Keeps the records inside the window and advances the cursor. `stop` asks the caller to stop
   * paginating (with `row_order`, once a record falls past the end, or before the start for desc).
   */
  filter(records: JsonValue[]): { kept: JsonValue[]; stop: boolean } {
    const kept: JsonValue[] = [];
    let stop = false;
    const { range_start, range_end, row_order, on_cursor_value_missing, cursor_path } = this.config;
    for (const record of records) {
      const matches = findAll(cursor_path, record);
      const value = matches[0];
      if (value === undefined || value === null) {
        const mode = on_cursor_value_missing ?? 'raise';
        if (mode === 'include') kept.push(record);
        else if (mode === 'raise') {
          throw new TributaryError(
            'CONFIG_INVALID',
            `incremental cursor "${cursor_path}" is missing in a record`,
          );
        }
        continue;
      }
      if (this.endValue !== null) {
        const toEnd = this.#cmp(value, this.endValue);
        if (toEnd > 0 || (toEnd === 0 && range_end !== 'closed')) {
          if (row_order === 'asc') stop = true;
          continue;
        }
      }
      if (this.startValue !== null) {
        const toStart = this.#cmp(value, this.startValue);
        if (toStart < 0 || (toStart === 0 && range_start === 'open')) {
          if (row_order === 'desc') stop = true;
          continue;
        }
        if (toStart === 0 && this.#dedup && this.#storedHashes.has(this.#hash(record))) continue;
      }
      kept.push(record);
      const toLast = this.#lastValue === null ? 1 : this.#cmp(value, this.#lastValue);
      if (toLast > 0) {
        this.#lastValue = value;
        this.#lastHashes = new Set([this.#hash(record)]);
      } else if (toLast === 0) this.#lastHashes.add(this.#hash(record));
    }
    return { kept, stop };
  }

  /** The state to store, or undefined for a stateless (`end_value`) cursor. */
  state(): IncrementalState | undefined {
    if (this.#stateless) return undefined;
    return {
      initial_value: this.config.initial_value ?? null,
      last_value: this.#lastValue,
      unique_hashes: [...this.#lastHashes],
      start_value: this.startValue,
    };
  }
}
