import type { JsonValue } from './json-values.js';
import { createNaming } from './naming.js';
import { type FlattenOptions, flattenRecord, type NormalizedRow } from './relational.js';

/** The fixed root id tests use in place of a random one (as the `rootId` option does). */
export const ROOT = 'ROOTID00000000';
export const naming = createNaming();

/** `flattenRecord` into table `t` with load id `LOAD1`, no root key and the fixed root id. */
export function flatten(record: JsonValue, options: Partial<FlattenOptions> = {}): NormalizedRow[] {
  return flattenRecord(record, {
    table: 't',
    naming,
    loadId: 'LOAD1',
    rootKey: false,
    rootId: () => ROOT,
    ...options,
  });
}
