import { ConfigError } from '../../errors/tributary-error.js';
import { JsonDouble } from '../../normalize/json-values.js';

/** Python's format-spec mini-language: `[[fill]align][sign][#][0][width][,|_][.precision][type]`. */
const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function group(digits: string, separator: string | undefined, every = 3): string {
  if (!separator) return digits;
  const [whole = '', fraction] = digits.split('.');
  const grouped = whole.replace(new RegExp(`\\B(?=(\\d{${every}})+(?!\\d))`, 'g'), separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function numeric(value: unknown, spec: string): number | bigint {
  if (value instanceof JsonDouble) return value.value;
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new ConfigError(`format spec ":${spec}" needs a number, got ${JSON.stringify(String(value))}`);
}

function body(
  value: unknown,
  type: string | undefined,
  precision: number | undefined,
  alt: boolean,
  spec: string,
): string {
  switch (type) {
    case undefined:
    case 's':
      return typeof value === 'string'
        ? precision === undefined
          ? value
          : value.slice(0, precision)
        : String(value);
    case 'd':
    case 'n': {
      const n = numeric(value, spec);
      if (typeof n === 'number' && !Number.isInteger(n))
        throw new ConfigError(`format spec ":${spec}" needs an integer`);
      return BigInt(n).toString();
    }
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      const radix = { b: 2, o: 8, x: 16, X: 16 }[type];
      const n = BigInt(numeric(value, spec));
      const digits = (n < 0n ? -n : n).toString(radix);
      const text = `${alt ? `0${type === 'X' ? 'X' : type}` : ''}${type === 'X' ? digits.toUpperCase() : digits}`;
      return n < 0n ? `-${text}` : text;
    }
    case 'c':
      return String.fromCodePoint(Number(numeric(value, spec)));
    case 'f':
    case 'F':
      return Number(numeric(value, spec)).toFixed(precision ?? 6);
    case 'e':
    case 'E': {
      const text = Number(numeric(value, spec))
        .toExponential(precision ?? 6)
        .replace(/e([+-])(\d)$/, 'e$10$2');
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'g':
    case 'G': {
      const text = String(Number(Number(numeric(value, spec)).toPrecision(precision || 6)));
      return type === 'G' ? text.toUpperCase() : text;
    }
    case '%':
      return `${(Number(numeric(value, spec)) * 100).toFixed(precision ?? 6)}%`;
    default:
      throw new ConfigError(`format spec ":${spec}" is not supported`);
  }
}

/**
 * Applies a Python format spec (`{id:08d}`, `{n:>5}`, `{x:,.2f}`) to a value, as `str.format` does
 * for the spec's common forms.
 */
export function applyFormatSpec(value: unknown, text: string, spec: string): string {
  if (spec === '') return text;
  const match = SPEC.exec(spec);
  if (!match) throw new ConfigError(`format spec ":${spec}" is not valid`);
  const [, fillChar, alignChar, sign, alt, zero, widthText, grouping, precisionText, type] = match;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const isNumber = typeof value === 'number' || typeof value === 'bigint' || value instanceof JsonDouble;
  let out = type === undefined && !isNumber ? text : body(value, type, precision, alt !== undefined, spec);
  let prefix = '';
  if (isNumber && type !== 's' && type !== 'c') {
    if (out.startsWith('-')) {
      prefix = '-';
      out = out.slice(1);
    } else if (sign === '+' || sign === ' ') prefix = sign;
    out = group(out, grouping);
  }
  const width = widthText === undefined ? 0 : Number(widthText);
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : isNumber ? '>' : '<');
  const padding = Math.max(0, width - prefix.length - out.length);
  switch (align) {
    case '<':
      return prefix + out + fill.repeat(padding);
    case '^':
      return fill.repeat(Math.floor(padding / 2)) + prefix + out + fill.repeat(Math.ceil(padding / 2));
    case '=':
      return prefix + fill.repeat(padding) + out;
    default:
      return fill.repeat(padding) + prefix + out;
  }
}
