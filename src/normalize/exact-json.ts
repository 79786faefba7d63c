import { JsonDouble } from './json-values.js';

/** How one serializer sees a value: a leaf's text, or a container's members. */
interface JsonShape {
  /** Members of an array (`keys` undefined) or an object, or undefined for a leaf. */
  members(value: unknown): { keys: string[] | undefined; items: unknown[] } | undefined;
  leaf(value: unknown): string;
}

/**
 * Writes a value with an explicit stack instead of recursion, so a value nested 100,000 levels
 * deep (an API can send one) cannot overflow the call stack.
 */
function writeIteratively(value: unknown, shape: JsonShape): string {
  const out: string[] = [];
  const stack: Array<{ keys: string[] | undefined; items: unknown[]; index: number }> = [];
  let pending = value;
  for (;;) {
    const members = shape.members(pending);
    if (members === undefined) out.push(shape.leaf(pending));
    else {
      out.push(members.keys ? '{' : '[');
      stack.push({ ...members, index: 0 });
    }
    let top = stack.at(-1);
    while (top !== undefined && top.index >= top.items.length) {
      out.push(top.keys ? '}' : ']');
      stack.pop();
      top = stack.at(-1);
    }
    if (top === undefined) return out.join('');
    if (top.index > 0) out.push(',');
    if (top.keys) out.push(JSON.stringify(top.keys[top.index]), ':');
    pending = top.items[top.index];
    top.index += 1;
  }
}

const EXACT: JsonShape = {
  members(value) {
    if (typeof value !== 'object' || value === null || value instanceof JsonDouble) return undefined;
    if (Array.isArray(value)) return { keys: undefined, items: value };
    const keys: string[] = [];
    const items: unknown[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        keys.push(key);
        items.push(item);
      }
    }
    return { keys, items };
  },
  leaf(value) {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'bigint':
        return value.toString();
      case 'number':
        return Number.isFinite(value) ? String(value) : 'null';
      case 'boolean':
        return value ? 'true' : 'false';
      case 'object':
        return value instanceof JsonDouble ? EXACT.leaf(value.value) : 'null';
      default:
        return 'null';
    }
  },
};

/**
 * JSON text of a value with bigints written as exact integers (JSON.stringify refuses them).
 * Iterative, so nesting depth is not limited by the call stack.
 * @example stringifyExact({ id: 2n ** 64n, x: new JsonDouble(1) }) // '{"id":18446744073709551616,"x":1}'
 */
export function stringifyExact(value: unknown): string {
  return writeIteratively(value, EXACT);
}

/** An integral double written so that it reads back as one (`2.0`, `-0.0`, `1e+21`). */
function doubleText(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

const READABLE: JsonShape = {
  members: EXACT.members,
  leaf: (value) => (value instanceof JsonDouble ? doubleText(value.value) : EXACT.leaf(value)),
};

/**
 * JSON text that `parseExactJson` reads back as the same value: bigints as exact integers and
 * integral doubles (`JsonDouble`) with a fraction. For handing parsed records to a worker thread.
 * @example stringifyReadable([2n ** 64n, new JsonDouble(2)]) // '[18446744073709551616,2.0]'
 */
export function stringifyReadable(value: unknown): string {
  return writeIteratively(value, READABLE);
}

const CANONICAL: JsonShape = {
  members(value) {
    if (Array.isArray(value)) return { keys: undefined, items: value };
    if (typeof value !== 'object' || value === null) return undefined;
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { keys: entries.map(([key]) => key), items: entries.map(([, item]) => item) };
  },
  // An undefined array element is written as nothing, as this hash has always done.
  leaf: (value) => JSON.stringify(value) ?? '',
};

/**
 * Canonical JSON for content hashes: object keys sorted, undefined entries left out, so a hash does
 * not depend on the order in which keys were added. Iterative, like {@link stringifyExact}.
 * @example canonicalJson({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return writeIteratively(value, CANONICAL);
}
