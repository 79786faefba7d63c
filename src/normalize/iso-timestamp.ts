/**
 * The ISO 8601 date-times that dlt's `iso_timestamp` detector (pendulum's parser) reads as a
 * timestamp, as exact epoch microseconds. Forms, each validated as a real calendar date and time:
 * - extended `2024-03-05T10:20[:30[.123456789]]`, `T` or space, also hour only `2024-03-05T10`;
 * - basic `20240305T102030[.5]`;
 * - offsets `Z`, `±HH`, `±HHMM`, `±HH:MM`; without one the time is UTC;
 * - the separated form `2024/03/05 10:20[:30[.5]]` (also `:` between date parts), no offset.
 * Fractions beyond 6 digits are truncated, as Python does. Date-only and time-only strings are not
 * timestamps (dlt keeps them text). Not supported (dlt accepts them, docs/dlt-compatibility.md):
 * ordinal (`2024-065`) and week (`2024-W10-2`) dates, and run-together fallback forms such as
 * `2024/03/0510:20`, `2024 10:20` or a `|` before the fraction.
 */

const EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const BASIC =
  /^(\d{4})(\d{2})(\d{2})[T ](\d{2})(?:(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
// Basic date with an extended `HH:MM` time, which pendulum also takes (but not with seconds).
const BASIC_HOUR_MINUTE = /^(\d{4})(\d{2})(\d{2})[T ](\d{2}):(\d{2})(Z|[+-]\d{2}(?::?\d{2})?)?$/;
// The slash- or colon-separated form that dlt's parser also reads as a date-time (`2024/03/05 10:20`,
// `2024:03:05 1:2:3.5`): one separator used throughout the date, a space, hour and minute required.
const SEPARATED = /^(\d{4})([/:])(\d{2})\2(\d{2}) (\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?$/;
const DATE_ONLY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|[/:]?(\d{2})[/:]?(\d{2}))?$/;

const MICROS_PER_SECOND = 1_000_000n;
const SECONDS_PER_DAY = 86_400;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: Python's datetime range. */
export const MIN_TIMESTAMP_MICROS = -62_135_596_800_000_000n;
export const MAX_TIMESTAMP_MICROS = 253_402_300_799_999_999n;

/**
 * Epoch microseconds of an ISO 8601 date-time, or undefined if dlt would not detect a timestamp.
 * @example parseIsoTimestamp('2024-03-05T10:20:30.5+02:00') // 1709626830500000n
 */
export function parseIsoTimestamp(s: string): bigint | undefined {
  const iso = EXTENDED.exec(s) ?? BASIC.exec(s);
  if (iso) {
    const [, year, month, day, hour, minute, second, fraction, offset] = iso;
    return withOffset([year, month, day, hour, minute, second, fraction], offset);
  }
  const hourMinute = BASIC_HOUR_MINUTE.exec(s);
  if (hourMinute) {
    const [, year, month, day, hour, minute, offset] = hourMinute;
    return withOffset([year, month, day, hour, minute], offset);
  }
  const separated = SEPARATED.exec(s);
  if (!separated) return undefined;
  const [, year, , month, day, hour, minute, second, fraction] = separated;
  return toMicros([year, month, day, hour, minute, second, fraction], 0);
}

// An extended date-time already in UTC (or without an offset, which is UTC here), with seconds: what
// APIs send most (`2024-03-05T10:20:30Z`, `…30.123Z`, and the canonical `…30.123456+00:00` itself).
const UTC_EXTENDED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|\+00:00)?$/;

/**
 * The canonical text ({@link formatTimestamp}) of a UTC extended date-time with seconds, built from its
 * own digits: for these the round trip through epoch microseconds (BigInt arithmetic and calendar
 * conversions both ways) gives back the same fields. Undefined for every other form, valid or not:
 * the caller then takes {@link parseIsoTimestamp} and {@link formatTimestamp}.
 * @example canonicalUtcTimestamp('2024-03-05T10:20:30.5Z') // '2024-03-05T10:20:30.500000+00:00'
 */
export function canonicalUtcTimestamp(s: string): string | undefined {
  const match = UTC_EXTENDED.exec(s);
  if (!match) return undefined;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', fraction = ''] = match;
  const [y, mo, d, h, mi, sec] = [
    Number(year),
    Number(month),
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  ];
  const valid = isValidDateTime(y, mo, d, h, mi, sec);
  return valid
    ? `${year}-${month}-${day}T${hour}:${minute}:${second}.${sixDigits(fraction)}+00:00`
    : undefined;
}

function withOffset(fields: Fields, offset: string | undefined): bigint | undefined {
  const offsetSeconds = parseOffset(offset);
  return offsetSeconds === undefined ? undefined : toMicros(fields, offsetSeconds);
}

/**
 * Epoch microseconds of midnight UTC of an ISO date (`2024-03-05`, `20240305`, `2024-03`, `2024`,
 * `2024/03/05`), or undefined.
 * @example parseIsoDate('2024-03-05') // 1709596800000000n
 */
export function parseIsoDate(s: string): bigint | undefined {
  const match = DATE_ONLY.exec(s);
  if (!match) return undefined;
  const [, year, extendedMonth, extendedDay, month, day] = match;
  return toMicros([year, extendedMonth ?? month ?? '01', extendedDay ?? day ?? '01', '0'], 0);
}

/** year, month, day, hour, minute?, second?, fraction? as matched (all digits). */
type Fields = ReadonlyArray<string | undefined>;

function toMicros(fields: Fields, offsetSeconds: number): bigint | undefined {
  const [year, month, day, hour = '0', minute = '0', second = '0', fraction = ''] = fields;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const sec = Number(second);
  if (!isValidDateTime(y, mo, d, h, mi, sec)) return undefined;
  const seconds = daysFromCivil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec - offsetSeconds;
  return BigInt(seconds) * MICROS_PER_SECOND + BigInt(sixDigits(fraction));
}

/** A real calendar date in years 1–9999 (four digits) and a time of day without leap seconds. */
function isValidDateTime(y: number, mo: number, d: number, h: number, mi: number, sec: number): boolean {
  return (
    y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && sec <= 59
  );
}

/** Microsecond digits of a fraction: cut beyond 6 digits, as Python does, and zero-padded. */
function sixDigits(fraction: string): string {
  return fraction.slice(0, 6).padEnd(6, '0');
}

function parseOffset(offset: string | undefined): number | undefined {
  if (offset === undefined || offset === 'Z') return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(3).replace(':', '') || '0');
  // A datetime offset must be under 24h (pendulum parses `+24:00` but the value cannot be used).
  if (hours > 23 || minutes > 59) return undefined;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 3600 + minutes * 60);
}

/**
 * The canonical text of a timestamp: UTC, always six fraction digits.
 * @example formatTimestamp(0n) // '1970-01-01T00:00:00.000000+00:00'
 */
export function formatTimestamp(micros: bigint): string {
  const seconds = floorDiv(micros, MICROS_PER_SECOND);
  const fraction = micros - seconds * MICROS_PER_SECOND;
  const days = Math.floor(Number(seconds) / SECONDS_PER_DAY);
  const secondOfDay = Number(seconds) - days * SECONDS_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const time = [Math.floor(secondOfDay / 3600), Math.floor(secondOfDay / 60) % 60, secondOfDay % 60];
  return `${formatDate(y, m, d)}T${time.map((n) => pad(n, 2)).join(':')}.${pad(Number(fraction), 6)}+00:00`;
}

/**
 * The UTC calendar date (`YYYY-MM-DD`) of epoch microseconds.
 * @example formatDateOf(1709634030000000n) // '2024-03-05'
 */
export function formatDateOf(micros: bigint): string {
  const days = Number(floorDiv(floorDiv(micros, MICROS_PER_SECOND), BigInt(SECONDS_PER_DAY)));
  return formatDate(...civilFromDays(days));
}

function formatDate(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function pad(n: number, width: number): string {
  return n < 0 ? `-${String(-n).padStart(width, '0')}` : String(n).padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/**
 * Epoch microseconds of unix seconds, rounded as Python's `datetime.fromtimestamp` (behind pendulum's
 * `from_timestamp`) does: the fraction × 10^6 rounded half to even. Undefined outside years 1–9999.
 * @example unixSecondsToMicros(78172.128) // 78172128000n
 */
export function unixSecondsToMicros(seconds: number | bigint): bigint | undefined {
  let micros: bigint;
  if (typeof seconds === 'bigint') {
    micros = seconds * MICROS_PER_SECOND;
  } else {
    if (!Number.isFinite(seconds)) return undefined;
    let whole = Math.trunc(seconds);
    let fraction = roundHalfEven((seconds - whole) * 1e6);
    if (fraction >= 1e6) {
      fraction -= 1e6;
      whole += 1;
    } else if (fraction < 0) {
      fraction += 1e6;
      whole -= 1;
    }
    micros = BigInt(whole) * MICROS_PER_SECOND + BigInt(fraction);
  }
  return micros < MIN_TIMESTAMP_MICROS || micros > MAX_TIMESTAMP_MICROS ? undefined : micros;
}

// CPython's _PyTime_RoundHalfEven: C round() (half away from zero), corrected on exact halves.
function roundHalfEven(x: number): number {
  const away = Math.sign(x) * Math.round(Math.abs(x));
  return Math.abs(x - away) === 0.5 ? 2 * Math.round(x / 2) : away;
}
