import { isJsonObject, type JsonValue } from '../../normalize/json-values.js';
import { findAll } from './json-path.js';

/** dlt's list keys, in its order: preferred when several lists are found (reference §4). */
export const PREFERRED_LIST_KEYS: ReadonlySet<string> = new Set([
  'data',
  'items',
  'results',
  'entries',
  'records',
  'rows',
  'entities',
  'payload',
  'content',
  'objects',
  'values',
]);

/**
 * Picks the records of a page as dlt does: all matches of the selector; a single match is
 * unwrapped; null → no records; a non-list → one record.
 */
export function selectData(body: JsonValue, selector: string): JsonValue[] {
  const matches = findAll(selector, body) as JsonValue[];
  const result = matches.length === 1 ? matches[0] : matches;
  if (result === null || result === undefined) return [];
  return Array.isArray(result) ? result : [result];
}

/**
 * Finds the data selector when none is configured: the whole body when it is not an object, else
 * the first list (depth-first, at most 3 keys deep) whose key is a usual name for records, else
 * the first list, else the whole object as one record.
 */
export function detectDataSelector(body: JsonValue): string {
  if (!isJsonObject(body)) return '$';
  const lists: string[][] = [];
  // Depth-first in key order; recursion is bounded by the depth limit of 3 keys.
  const visit = (node: JsonValue, path: string[]) => {
    if (!isJsonObject(node) || path.length >= 3) return;
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(value)) lists.push([...path, key]);
      else visit(value, [...path, key]);
    }
  };
  visit(body, []);
  if (lists.length === 0) return '$';
  const preferred = lists.find((path) => PREFERRED_LIST_KEYS.has(path[path.length - 1] ?? ''));
  return (preferred ?? lists[0] ?? []).join('.');
}
