/**
 * A JSON number written with a fraction or exponent whose value is integral (`1.0`, `1e3`).
 * JavaScript's `JSON.parse` folds it into an integer; dlt (Python) keeps it a float, which types the
 * column `double`. Every other number is a plain `number` (safe integer or fraction) or a `bigint`
 * (an integer outside ±2^53, kept exact).
 */
export class JsonDouble {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
  /** So that `Number(x)`, arithmetic and comparisons in user callbacks see the number. */
  valueOf(): number {
    return this.value;
  }
}

/** A value as it comes out of the JSON parser. */
export type JsonValue = null | boolean | number | bigint | string | JsonDouble | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonDouble)
  );
}
