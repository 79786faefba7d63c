import { ConfigError } from '../../errors/tributary-error.js';
import { JsonDouble } from '../../normalize/json-values.js';
import { applyFormatSpec } from './python-format.js';

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
  for (const match of text.matchAll(PLACEHOLDER))
    if (match[1] !== undefined) names.push(parseField(match[1]).name);
  return names;
}

/** A replacement field `name[!conversion][:spec]`, split as Python's `str.format` splits it. */
export function parseField(field: string): { name: string; conversion: string | undefined; spec: string } {
  const match = /^([^!:]*)(?:!([^:]*))?(?::(.*))?$/s.exec(field);
  const [, name = '', conversion, spec = ''] = match ?? [];
  if (conversion !== undefined && !['s', 'r', 'a'].includes(conversion)) {
    throw new ConfigError(`placeholder "{${field}}": unknown conversion "!${conversion}" (use !s, !r or !a)`);
  }
  return { name: name.trim(), conversion, spec };
}

/** Python's `repr` of a value as a formatted string shows it (strings quoted). */
function pythonRepr(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    : pythonStr(value);
}

/** One replacement field's text: the conversion, then the format spec. */
export function formatField(value: unknown, conversion: string | undefined, spec: string): string {
  if (conversion === undefined) return applyFormatSpec(value, pythonStr(value), spec);
  const converted = conversion === 's' ? pythonStr(value) : pythonRepr(value);
  return applyFormatSpec(converted, converted, spec);
}

/**
 * Formats a text like Python's `str.format` with dlt's lookups: `{{`/`}}` become braces, `{name}`
 * the looked-up value, with conversions (`!s`, `!r`) and format specs (`{id:08d}`, `{x:>5}`).
 */
export function formatTemplate(text: string, lookup: (name: string) => unknown): string {
  if (!text.includes('{') && !text.includes('}')) return text;
  const out = text.replace(PLACEHOLDER, (match, field: string | undefined) => {
    if (field === undefined) return match[0] ?? '';
    const { name, conversion, spec } = parseField(field);
    return formatField(lookup(name), conversion, spec);
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
