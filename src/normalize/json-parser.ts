import { JsonDouble, type JsonObject, type JsonValue } from './json-values.js';

/** Invalid JSON text, with the character position where reading stopped. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    readonly reason: string,
    /** Index (UTF-16 code unit) in the text where the problem was found. */
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Turns a number literal (already checked against the JSON grammar) into a value. */
export type NumberReader = (literal: string) => JsonValue;

const INTEGER = /^-?\d+$/;

/**
 * Keeps what `JSON.parse` loses: integers beyond ±2^53 become exact `bigint`s, and integral
 * floats (`1.0`) stay floats (`JsonDouble`), so types are inferred as dlt infers them.
 */
export function readExactNumber(text: string): number | bigint | JsonDouble {
  if (INTEGER.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : BigInt(text);
  }
  const value = Number(text);
  return Number.isInteger(value) ? new JsonDouble(value) : value;
}

type Frame =
  | { array: JsonValue[]; object?: undefined }
  | { array?: undefined; object: JsonObject; key: string };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// RFC 8259 §7: characters below U+0020 must be escaped inside a string.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f]/;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Parses JSON text (RFC 8259) as `JSON.parse` does, except that every number literal goes through
 * `readNumber`, so integers beyond 2^53 and floats such as `1.0` keep what `JSON.parse` would lose.
 * Iterative: nesting depth is limited by memory, never by the call stack. A later duplicate key
 * wins, as in `JSON.parse` and Python.
 * @example parseJsonWith('{"id": 12345678901234567890}', BigInt) // { id: 12345678901234567890n }
 */
export function parseJsonWith(text: string, readNumber: NumberReader): JsonValue {
  const length = text.length;
  const stack: Frame[] = [];
  let i = 0;
  const skipWhitespace = () => {
    while (i < length && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(i >= length ? `${reason} but the text ended` : reason, i);
  };
  const readString = (): string => {
    const start = i;
    let end = i;
    for (;;) {
      end = text.indexOf('"', end + 1);
      if (end === -1) {
        i = length;
        return fail('a string is not closed');
      }
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    const raw = text.slice(start, end + 1);
    i = end + 1;
    if (!raw.includes('\\')) {
      if (CONTROL.test(raw)) {
        i = start;
        return fail('a string holds an unescaped control character');
      }
      return raw.slice(1, -1);
    }
    try {
      return JSON.parse(raw) as string;
    } catch {
      i = start;
      return fail('a string holds an invalid escape or control character');
    }
  };

  let value: JsonValue;
  for (;;) {
    // Read one value; containers push a frame and continue with their first element.
    skipWhitespace();
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        value = {};
      } else {
        if (text.charCodeAt(i) !== 0x22) fail('expected a quoted key');
        const key = readString();
        skipWhitespace();
        if (text.charCodeAt(i) !== 0x3a) fail("expected ':' after a key");
        i++;
        stack.push({ object: {}, key });
        continue;
      }
    } else if (c === 0x5b /* [ */) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        value = [];
      } else {
        stack.push({ array: [] });
        continue;
      }
    } else if (c === 0x22) {
      value = readString();
    } else if (c === 0x74 && text.startsWith('true', i)) {
      i += 4;
      value = true;
    } else if (c === 0x66 && text.startsWith('false', i)) {
      i += 5;
      value = false;
    } else if (c === 0x6e && text.startsWith('null', i)) {
      i += 4;
      value = null;
    } else {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match === null) return fail('expected a JSON value');
      value = readNumber(match[0]);
      i += match[0].length;
    }
    // Put the value into its container; close every container that ends here.
    for (;;) {
      const frame = stack.at(-1);
      if (frame === undefined) {
        skipWhitespace();
        if (i < length) fail('unexpected text after the JSON value');
        return value;
      }
      skipWhitespace();
      const next = text.charCodeAt(i);
      if (frame.array) {
        frame.array.push(value);
        if (next === 0x2c) {
          i++;
          break;
        }
        if (next !== 0x5d) fail("expected ',' or ']' after an array element");
        i++;
        value = frame.array;
      } else {
        setKey(frame.object, frame.key, value);
        if (next === 0x2c) {
          i++;
          skipWhitespace();
          if (text.charCodeAt(i) !== 0x22) fail('expected a quoted key');
          frame.key = readString();
          skipWhitespace();
          if (text.charCodeAt(i) !== 0x3a) fail("expected ':' after a key");
          i++;
          break;
        }
        if (next !== 0x7d) fail("expected ',' or '}' after an object member");
        i++;
        value = frame.object;
      }
      stack.pop();
    }
  }
}

/** `__proto__` becomes an own key, as with `JSON.parse`, instead of replacing the prototype. */
function setKey(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** JSON text read with {@link readExactNumber}: the values `stringifyReadable` wrote. */
export function parseExactJson(text: string): JsonValue {
  return parseJsonWith(text, readExactNumber);
}
