import { selectData } from '../extract/select/select-data.js';
import { stringifyReadable } from '../normalize/exact-json.js';
import { parseExactJson } from '../normalize/json-parser.js';
import { JsonDouble, type JsonValue } from '../normalize/json-values.js';
import type { RecordsText } from './normalize-worker-protocol.js';

/** Whether a value holds a bigint or a JsonDouble, which `JSON.stringify` would not write back exactly. */
function needsExactText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'bigint' || item instanceof JsonDouble) return true;
    if (Array.isArray(item)) stack.push(...item);
    else if (typeof item === 'object' && item !== null) stack.push(...Object.values(item));
  }
  return false;
}

/**
 * Records as text for the normalize worker: `JSON.stringify` (native, fast) unless they hold
 * bigints or integral doubles (`1.0`), which take the exact writer so that the worker reads the
 * same values back.
 */
export function recordsToText(records: JsonValue[]): RecordsText {
  return needsExactText(records)
    ? { text: stringifyReadable(records), exact: true }
    : { text: JSON.stringify(records), exact: false };
}

export function recordsFromText(records: RecordsText): JsonValue[] {
  const parsed = (records.exact ? parseExactJson(records.text) : JSON.parse(records.text)) as JsonValue;
  return records.selector === undefined ? (parsed as JsonValue[]) : selectData(parsed, records.selector);
}
