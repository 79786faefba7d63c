import type { ProcessingStepConfig } from '../config/config-schema.js';
import type { JsonValue } from '../normalize/json-values.js';

type Step = (record: JsonValue) => unknown;

/**
 * dlt's `processing_steps` (TypeScript configs): steps in list order, and inside one step `filter`
 * (keep when truthy), then `map` (replace), then `yield_map` (zero or more records).
 */
export function applyProcessingSteps(
  records: JsonValue[],
  steps: readonly ProcessingStepConfig[],
): JsonValue[] {
  let current = records;
  for (const step of steps) {
    if (step.filter) current = current.filter((record) => Boolean((step.filter as Step)(record)));
    if (step.map) current = current.map((record) => (step.map as Step)(record) as JsonValue);
    if (step.yield_map) {
      current = current.flatMap((record) => {
        const out = (step.yield_map as Step)(record);
        if (out === undefined || out === null) return [];
        if (typeof out === 'object' && Symbol.iterator in out) return [...(out as Iterable<JsonValue>)];
        return [out as JsonValue];
      });
    }
  }
  return current;
}
