import { ConfigError } from '../../errors/tributary-error.js';
import { JsonDouble } from '../../normalize/json-values.js';

/** A `{name}` placeholder, dlt's templating (Python `str.format`): `{{` and `}}` are literal braces. */
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;
const WHOLE_PLACEHOLDER = /^\{([^{}!:]+)\}$/;

/** Text of a value as Python's `str()` writes it in a formatted string. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value instanceof JsonDouble)
    return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/** The names of the placeholders in a text (`resources.issues.id`, `incremental.start_value`). */
export function placeholderNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) if (match[1] !== undefined) names.push(match[1]);
  return names;
}

/**
 * Formats a text like Python's `str.format` with dlt's lookups: `{{`/`}}` become braces, `{name}`
 * the looked-up value. Conversions and format specs (`{x!r}`, `{x:>5}`) are refused with a clear
 * error rather than half-supported.
 */
export function formatTemplate(text: string, lookup: (name: string) => unknown): string {
  if (!text.includes('{') && !text.includes('}')) return text;
  const out = text.replace(PLACEHOLDER, (match, name: string | undefined) => {
    if (name === undefined) return match[0] ?? '';
    if (/[!:]/.test(name)) {
      throw new ConfigError(`placeholder "{${name}}": conversions and format specs are not supported`);
    }
    return pythonStr(lookup(name.trim()));
  });
  if (/[{}]/.test(text.replace(PLACEHOLDER, ''))) {
    throw new ConfigError(`"${text}" has a single "{" or "}": write literal braces as "{{" and "}}"`);
  }
  return out;
}

/**
 * Formats every string of a JSON body (keys and values). A string that is exactly one placeholder
 * keeps the value's own type (an id stays a number, null stays null), as dlt does for `json`.
 */
export function formatJsonTemplate(value: unknown, lookup: (name: string) => unknown): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    return whole?.[1] !== undefined ? lookup(whole[1].trim()) : formatTemplate(value, lookup);
  }
  if (Array.isArray(value)) return value.map((item) => formatJsonTemplate(item, lookup));
  if (typeof value === 'object' && value !== null && !(value instanceof JsonDouble)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [formatTemplate(k, lookup), formatJsonTemplate(v, lookup)]),
    );
  }
  return value;
}
