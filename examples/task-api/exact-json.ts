/**
 * `JSON.stringify` throws on a bigint, and turning it into a number first silently rounds any id above
 * 2^53 (9007199254740993 becomes 9007199254740992). Real APIs (Twitter/X, Discord snowflakes) send such
 * ids as bare integers, so the demo API must too; `JSON.rawJSON` would do it but is not in Node 20.
 */

/**
 * Serialises a value as JSON text like `JSON.stringify` (no indentation), except that a bigint is
 * written as an exact integer literal without quotes.
 *
 * @example
 * serializeJson({ id: 2n ** 53n + 1n }); // '{"id":9007199254740993}'
 */
export function serializeJson(value: unknown): string {
  const text = serializeValue(value);
  if (text === undefined) throw new TypeError(`serializeJson cannot serialise a top-level ${typeof value}`);
  return text;
}

/** Returns undefined where `JSON.stringify` would leave the value out (undefined, functions, symbols). */
function serializeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // Same as JSON.stringify: NaN and ±Infinity have no JSON form and become null.
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      return serializeObject(value);
  }
}

function serializeObject(value: object | null): string | undefined {
  if (value === null) return 'null';
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') return serializeValue(withToJson.toJSON());
  if (Array.isArray(value)) {
    // Inside an array JSON.stringify writes null where a member would be left out.
    return `[${value.map((item) => serializeValue(item) ?? 'null').join(',')}]`;
  }
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const text = serializeValue(member);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
