import type { DataType } from '../schema/schema-types.js';
import { parseIsoDate, parseIsoTimestamp } from './iso-timestamp.js';
import { JsonDouble } from './json-values.js';

/** dlt's type detectors (`settings.detections`); the default is `iso_timestamp` only. */
export const DETECTIONS = [
  'iso_timestamp',
  'iso_date',
  'timestamp',
  'large_integer',
  'hexbytes_to_text',
  'wei_to_double',
] as const;
export type Detection = (typeof DETECTIONS)[number];
export const DEFAULT_DETECTIONS: readonly Detection[] = ['iso_timestamp'];

const INT64_MAX = 2n ** 63n - 1n;
/** Above this even `wei` (a 256-bit decimal) cannot hold the value: dlt makes it text. */
const WEI_MAX = 578960446186580977117854925043439539266n;
const FIVE_YEARS_SECONDS = 5 * 365.25 * 24 * 3600;

function detectNumber(value: number | bigint, detections: readonly Detection[]): DataType | undefined {
  if (detections.includes('large_integer') && typeof value === 'bigint' && value > INT64_MAX) {
    return value > WEI_MAX ? 'text' : 'wei';
  }
  if (detections.includes('timestamp')) {
    const seconds = Number(value);
    if (Math.abs(seconds - Date.now() / 1000) <= FIVE_YEARS_SECONDS) return 'timestamp';
  }
  return undefined;
}

/**
 * The dlt data type of a value seen for a new column (reference §3.2), with dlt's detectors applied
 * (by default `iso_timestamp` on strings; `iso_date`, `timestamp` and `large_integer` on request).
 * Null has no type: it never creates a column.
 * @example inferDataType('2024-03-05T10:20:30Z') // 'timestamp'
 */
export function inferDataType(
  value: unknown,
  detections: readonly Detection[] = DEFAULT_DETECTIONS,
): DataType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string':
      if (value === '') return 'text';
      if (detections.includes('iso_timestamp') && parseIsoTimestamp(value) !== undefined) return 'timestamp';
      if (
        detections.includes('iso_date') &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        parseIsoDate(value) !== undefined
      ) {
        return 'date';
      }
      return 'text';
    case 'boolean':
      return 'bool';
    case 'bigint':
      // Beyond 64 bits a bigint column cannot hold it: typed wide (wei), or text past wei's range.
      if (value > INT64_MAX || value < -INT64_MAX - 1n)
        return detectNumber(value, detections) ?? (value > WEI_MAX || value < -WEI_MAX ? 'text' : 'wei');
      return detectNumber(value, detections) ?? 'bigint';
    case 'number':
      return detectNumber(value, detections) ?? (Number.isSafeInteger(value) ? 'bigint' : 'double');
    case 'object':
      return value instanceof JsonDouble ? (detectNumber(value.value, detections) ?? 'double') : 'json';
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
  if (typeof value === 'bigint') return 'bigint';
  return typeof value === 'string' ? 'text' : inferDataType(value, []);
}
