import { SECRET_KEY_NAMES } from './secret-key-names.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Characters the WHATWG URL parser percent-encodes in a path, and in a query written as is: all
 * but printable ASCII (`[^!-~]`: controls, space, DEL, non-ASCII), and a few printable ones.
 */
const URL_PATH_ESCAPED = /[^!-~]|["#<>?`{}]/gu;
const URL_QUERY_ESCAPED = /[^!-~]|["#<>']/gu;

/** `text` as `new URL()` leaves it in a path or a raw query (a `{secrets.x}` in `path`). */
function urlForm(text: string, escaped: RegExp): string | undefined {
  try {
    return text.replace(escaped, (c) => encodeURIComponent(c));
  } catch {
    return undefined; // a lone surrogate: no URL holds it
  }
}

/**
 * What a secret may look like in text: as is, URL-encoded (component, form, path, raw query),
 * JSON-escaped.
 */
function textForms(text: string): string[] {
  const forms = [
    text,
    encodeURIComponent(text),
    new URLSearchParams({ k: text }).toString().slice(2),
    urlForm(text, URL_PATH_ESCAPED),
    urlForm(text, URL_QUERY_ESCAPED),
    JSON.stringify(text).slice(1, -1),
  ];
  return forms.filter((form): form is string => form !== undefined);
}

/**
 * Every secret value Tributary resolved in this process. Anything that leaves the library as text
 * (events, errors, reports, the trace) passes through `redact`, and records pass through
 * `redactRecords` before they are written anywhere, so a secret is hidden even where it is not
 * under a known parameter name.
 */
/** Characters that JSON may write as a two-character escape: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` (and controls). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const SHORT_ESCAPED = /["\\/\u0000-\u001f]/;

export class SecretRegistry {
  readonly #values = new Set<string>();
  /** Cached {@link #escapable} answer; reset when a value is added. */
  #hasEscapable: boolean | undefined;
  /** Global, for `replace`; the non-global copy is for `test` (no `lastIndex` to reset). */
  #pattern: RegExp | undefined;
  #probe: RegExp | undefined;
  #shortest = Number.POSITIVE_INFINITY;
  #longest = 0;

  /**
   * Registers a secret. Very short values (under 4 characters) are not: they would mask ordinary
   * text everywhere; dlt masks those by name only.
   */
  add(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const text = String(value);
    if (text.length < 4) return;
    for (const form of textForms(text)) {
      this.#values.add(form);
      this.#shortest = Math.min(this.#shortest, form.length);
      this.#longest = Math.max(this.#longest, form.length);
    }
    this.#pattern = undefined;
    this.#probe = undefined;
    this.#hasEscapable = undefined;
  }

  has(value: string): boolean {
    return this.#values.has(value);
  }

  get size(): number {
    return this.#values.size;
  }

  /**
   * Length of the longest registered form (0 with none): text cut from a longer one must drop this
   * many characters less one at the cut, where a secret could start without ending.
   */
  get longest(): number {
    return this.#longest;
  }

  #compile(): RegExp {
    // Longest first, so that a secret holding another is masked whole.
    const source = [...this.#values]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
    this.#pattern = new RegExp(source, 'g');
    this.#probe = new RegExp(source);
    return this.#pattern;
  }

  /** Replaces every registered secret in `text` by `***`. */
  redact(text: string): string {
    if (this.#values.size === 0) return text;
    return text.replace(this.#pattern ?? this.#compile(), '***');
  }

  /** Whether `text` holds a registered secret. */
  matches(text: string): boolean {
    if (this.#values.size === 0 || text.length < this.#shortest) return false;
    if (this.#probe === undefined) this.#compile();
    return (this.#probe as RegExp).test(text);
  }

  /**
   * Whether records parsed from the JSON `text` may hold a registered secret. JSON text without a
   * backslash has no escapes, so every string and key parsed from it is a piece of that text, and
   * one search of the text answers for all of them (on a page of 100 nested tasks, one search
   * instead of some 2,000). So does text whose escapes are only the short ones (`\"`, `\n`, …)
   * while no secret holds a character they stand for: a secret in a parsed string is then spelled
   * the same in the text. A `\u` escape can spell any character: the records must be searched.
   */
  mayHoldInJson(text: string): boolean {
    if (this.#values.size === 0) return false;
    if (text.includes('\\') && (text.includes('\\u') || this.#escapable())) return true;
    return this.matches(text);
  }

  /** Whether a secret holds a character that JSON writes as a short escape (`"`, `\\`, `/`, controls). */
  #escapable(): boolean {
    this.#hasEscapable ??= [...this.#values].some((value) => SHORT_ESCAPED.test(value));
    return this.#hasEscapable;
  }

  /**
   * Masks registered secrets in parsed JSON records, in place: string values and object keys, at any
   * depth (walked without recursion, so deep nesting cannot overflow the stack). An API that echoes
   * the key back (`{"your_key": "…"}`) must not put it into a table, a load package or the state.
   * Returns how many strings it masked, so the caller can say so.
   */
  redactRecords(records: unknown[]): number {
    if (this.#values.size === 0) return 0;
    let masked = 0;
    // Records of a page share their keys: each is tested once.
    const keyHolds = new Map<string, boolean>();
    const keyMatches = (key: string) => {
      let holds = keyHolds.get(key);
      if (holds === undefined) {
        holds = this.matches(key);
        keyHolds.set(key, holds);
      }
      return holds;
    };
    const stack: Array<unknown[] | Record<string, unknown>> = [records];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) {
          const item = node[i];
          if (typeof item === 'string') {
            if (this.matches(item)) {
              node[i] = this.redact(item);
              masked++;
            }
          } else if (isPlainContainer(item)) stack.push(item);
        }
        continue;
      }
      let renamed = false;
      for (const key of Object.keys(node)) {
        const item = node[key];
        if (typeof item === 'string') {
          if (this.matches(item)) {
            node[key] = this.redact(item);
            masked++;
          }
        } else if (isPlainContainer(item)) stack.push(item);
        if (keyMatches(key)) renamed = true;
      }
      if (renamed) masked += this.#renameKeys(node);
    }
    return masked;
  }

  /** Rebuilds an object with its secret-holding keys masked, in the same key order (the columns keep theirs). */
  #renameKeys(node: Record<string, unknown>): number {
    const entries = Object.entries(node);
    let masked = 0;
    for (const [key] of entries) delete node[key];
    for (const [key, value] of entries) {
      const name = this.redact(key);
      if (name !== key) masked++;
      // defineProperty: a key such as `__proto__` stays an ordinary field.
      Object.defineProperty(node, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return masked;
  }
}

/** Arrays and plain objects: what a JSON parser builds (class instances such as numbers are left). */
function isPlainContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The process-wide registry: secrets resolved at import time of a TS config land here too. It is
 * kept on `globalThis` so that a config module that loads another copy of this package (built vs
 * source) still registers into the same one.
 */
const REGISTRY_KEY = Symbol.for('tributary.secret-registry');
const globalSlots = globalThis as Record<symbol, SecretRegistry | undefined>;
globalSlots[REGISTRY_KEY] ??= new SecretRegistry();
export const secretRegistry: SecretRegistry = globalSlots[REGISTRY_KEY];

/** dlt's names redacted in URLs: its validation list less `username` and `client_id`. */
const SECRET_PARAM_NAMES = new Set(
  [...SECRET_KEY_NAMES].filter((name) => name !== 'username' && name !== 'client_id'),
);

/**
 * A URL safe to show: query parameters with secret-like names (dlt's list) become `***`, user info is
 * dropped, and any registered secret elsewhere in it is masked.
 */
export function redactUrl(url: string, registry: SecretRegistry = secretRegistry): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return registry.redact(url);
  }
  if (parsed.password) parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM_NAMES.has(name.toLowerCase())) parsed.searchParams.set(name, '***');
  }
  return registry.redact(parsed.toString().replace(/%2A%2A%2A/g, '***'));
}

const SECRET_NAME = `"(?:${[...SECRET_PARAM_NAMES].map((n) => n.replace(/-/g, '\\-')).join('|')})"\\s*:\\s*`;
const SECRET_FIELD = new RegExp(`(${SECRET_NAME})"(?:[^"\\\\]|\\\\.)*"`, 'gi');
/** A secret-named field whose value a cut opened but did not close. */
const OPEN_SECRET_FIELD = new RegExp(`(${SECRET_NAME})"(?:[^"\\\\]|\\\\.)*$`, 'i');

/**
 * Masks the values of secret-named fields in JSON text (`"token": "…"` → `"token": "***"`), for
 * body excerpts: a server may echo a credential we never knew as one.
 */
export function redactSecretFields(text: string): string {
  return text.replace(SECRET_FIELD, '$1"***"').replace(OPEN_SECRET_FIELD, '$1"***');
}
