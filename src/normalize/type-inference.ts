import type { DataType } from '../schema/schema-types.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import { JsonDouble } from './json-values.js';

/**
 * The dlt data type of a value seen for a new column (reference §3.2), with dlt's default detector
 * `iso_timestamp` applied to strings. Null has no type: it never creates a column.
 * @example inferDataType('2024-03-05T10:20:30Z') // 'timestamp'
 */
export function inferDataType(value: unknown): DataType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string':
      return value !== '' && parseIsoTimestamp(value) !== undefined ? 'timestamp' : 'text';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'bigint';
    case 'number':
      return Number.isSafeInteger(value) ? 'bigint' : 'double';
    case 'object':
      return value instanceof JsonDouble ? 'double' : 'json';
    default:
      return undefined;
  }
}

/**
 * The type of a value as dlt sees it when it coerces into an existing column: like
 * {@link inferDataType} but without detectors, so every string is `text`.
 * @example valueDataType('2024-03-05T10:20:30Z') // 'text'
 */
export function valueDataType(value: unknown): DataType | undefined {
  return typeof value === 'string' ? 'text' : inferDataType(value);
}
