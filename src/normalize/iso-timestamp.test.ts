import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalUtcTimestamp,
  formatDateOf,
  formatTimestamp,
  MAX_TIMESTAMP_MICROS,
  MIN_TIMESTAMP_MICROS,
  parseIsoDate,
  parseIsoTimestamp,
  unixSecondsToMicros,
} from './iso-timestamp.js';

// Epoch microseconds dlt 1.26.0 (pendulum 3.3 parser) gives for strings its `iso_timestamp` detector
// accepts; `undefined` where dlt keeps the string text. 8,981 generated strings were also compared.
const DETECTED: ReadonlyArray<readonly [string, bigint]> = [
  ['2024-03-05T10:20:30Z', 1709634030000000n],
  ['2024-03-05T10:20:30.123456789Z', 1709634030123456n],
  ['2024-03-05T10:20:30.1234567890Z', 1709634030123456n],
  ['2024-03-05 10:20:30', 1709634030000000n],
  ['2024-03-05T10:20', 1709634000000000n],
  ['2024-03-05T10', 1709632800000000n],
  ['2024-03-05T10Z', 1709632800000000n],
  ['2024-03-05T10+02', 1709625600000000n],
  ['2024-03-05T10-20', 1709704800000000n],
  ['2024-03-05T10:20:30+02:00', 1709626830000000n],
  ['2024-03-05T10:20:30+0200', 1709626830000000n],
  ['2024-03-05T10:20:30+02', 1709626830000000n],
  ['2024-03-05T10:20:30-05:30', 1709653830000000n],
  ['2024-03-05T10:20:30+23:59', 1709547690000000n],
  ['2024-03-05T10:20:30-00:00', 1709634030000000n],
  ['2024-03-05T10:20:30,5Z', 1709634030500000n],
  ['2024-03-05T10:20:30.123+0530', 1709614230123000n],
  ['2022-05-10T00:17:15.3+02:00', 1652134635300000n],
  ['2024-02-29T10:00', 1709200800000000n],
  ['2000-02-29T10:00', 951818400000000n],
  ['20240305T102030Z', 1709634030000000n],
  ['20240305T10', 1709632800000000n],
  ['20240305T1020', 1709634000000000n],
  ['20240305T102030.5+0200', 1709626830500000n],
  ['20240305 102030', 1709634030000000n],
  ['20240129T10:20+02', 1706516400000000n],
  ['2024/03/05 10:20', 1709634000000000n],
  ['2024/03/05 1:2:3', 1709600523000000n],
  ['2024/03/05 10:20:30.1234567', 1709634030123456n],
  ['2024:03:05 10:20', 1709634000000000n],
  ['20240305 10:20', 1709634000000000n],
  ['1970-01-01T00:00:00Z', 0n],
  ['1969-12-31T23:59:59.999999Z', -1n],
  ['0001-01-01T00:00:00', -62135596800000000n],
  ['9999-12-31T23:59:59.999999', 253402300799999999n],
  ['1900-01-01T00:00:00Z', -2208988800000000n],
];

const NOT_DETECTED: readonly string[] = [
  // dlt reads these run-together forms as timestamps; we keep them text (docs/dlt-compatibility.md).
  '2024/03/05 10:20:30|5',
  '2024/03/0510:20',
  '2024 10:20',
  '2024-03-05',
  '2024-03',
  '2024',
  '10:20:30',
  '10:20',
  '2024-13-45T99:00',
  '2024-02-30T10:00',
  '2023-02-29T10:00',
  '1900-02-29T10:00',
  '2024-03-05T24:00:00',
  '2024-03-05T23:59:60',
  '2024-03-05T10:60:00',
  '2024-03-05t10:20:30z',
  '2024-03-05T10:20:30 Z',
  '2024-03-05T10:20:30+25:00',
  '2024-03-05T1020',
  '2024-03-05T102030',
  '20240305T10:20:30',
  '2024-03-05  10:20',
  ' 2024-03-05T10:20:30',
  '2024-03-05T10:20:30 ',
  '2024-3-5T10:20:30',
  '2024-03-05T1:2:3',
  '2024-03-05T10:20:30.Z',
  '2024-03-05T10:20.5',
  '2024-03-05T10:20:30+5',
  '2024-03-05T10:20:30GMT',
  '2024-03-05T10:20:30+02:00Z',
  '0000-01-01T00:00:00',
  '-2024-03-05T10:00',
  'Mon, 05 Mar 2024 10:20:30 GMT',
  '2024/03/05',
  '2024/3/5 10:20',
  '2024/03/05 10:',
  '2024/03/05 24:00',
  '2024/03/05 10:20:30+02:00',
  '2024/03/05 10:20:30.1234567890',
  '030205:30',
  'P1D',
  '2024-03-05T10:20:30Z/2024-03-06T10:20:30Z',
  '',
];

describe('parseIsoTimestamp', () => {
  it.each(DETECTED)('reads %s as dlt does', (text, micros) => {
    expect(parseIsoTimestamp(text)).toBe(micros);
  });

  it.each(NOT_DETECTED)('leaves %j alone, as dlt does', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined();
  });

  it('rejects offsets of 24 hours, which pendulum parses but cannot use', () => {
    expect(parseIsoTimestamp('2024-03-05T10:20:30+24:00')).toBeUndefined();
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-03-05', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['2024-03', '2024-03-01'],
    ['2024', '2024-01-01'],
    ['2024/03/05', '2024-03-05'],
  ])('reads the date %s', (text, date) => {
    expect(formatDateOf(parseIsoDate(text)!)).toBe(date);
  });

  it.each(['2024-02-30', '202403', '2024-3-5', '2024-03-05T10:00'])('rejects %s', (text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });
});

describe('formatTimestamp', () => {
  it('always writes UTC with six fraction digits', () => {
    expect(formatTimestamp(1709634030123456n)).toBe('2024-03-05T10:20:30.123456+00:00');
    expect(formatTimestamp(0n)).toBe('1970-01-01T00:00:00.000000+00:00');
    expect(formatTimestamp(-1n)).toBe('1969-12-31T23:59:59.999999+00:00');
    expect(formatTimestamp(MIN_TIMESTAMP_MICROS)).toBe('0001-01-01T00:00:00.000000+00:00');
    expect(formatTimestamp(MAX_TIMESTAMP_MICROS)).toBe('9999-12-31T23:59:59.999999+00:00');
  });

  it('round-trips every parsed timestamp', () => {
    for (const [, micros] of DETECTED) expect(parseIsoTimestamp(formatTimestamp(micros))).toBe(micros);
  });
});

/** What the general path makes of a text: parse to microseconds, format back. */
function viaMicros(text: string): string | undefined {
  const micros = parseIsoTimestamp(text);
  return micros === undefined ? undefined : formatTimestamp(micros);
}

/** Date-times close to the fast path's form: fields in and out of range, every separator and offset. */
const nearlyUtcDateTime = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    separator: fc.constantFrom('T', ' ', 't', '_'),
    fraction: fc.option(fc.tuple(fc.constantFrom('.', ','), fc.stringMatching(/^\d{0,10}$/))),
    offset: fc.constantFrom('', 'Z', 'z', '+00:00', '-00:00', '+0000', '+00', '+01:00', '-05:30', ' Z'),
  })
  .map(
    (f) =>
      `${String(f.year).padStart(4, '0')}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}` +
      `${f.separator}${String(f.hour).padStart(2, '0')}:${String(f.minute).padStart(2, '0')}:` +
      `${String(f.second).padStart(2, '0')}${f.fraction ? f.fraction.join('') : ''}${f.offset}`,
  );

describe('canonicalUtcTimestamp', () => {
  it('writes what parsing and formatting write, for UTC date-times with seconds', () => {
    expect(canonicalUtcTimestamp('2024-03-05T10:20:30Z')).toBe('2024-03-05T10:20:30.000000+00:00');
    expect(canonicalUtcTimestamp('2024-03-05 10:20:30.5')).toBe('2024-03-05T10:20:30.500000+00:00');
    expect(canonicalUtcTimestamp('2024-03-05T10:20:30,1234567+00:00')).toBe(
      '2024-03-05T10:20:30.123456+00:00',
    );
    const canonical = '2024-02-29T23:59:59.999999+00:00';
    expect(canonicalUtcTimestamp(canonical)).toBe(canonical);
  });

  it('leaves other forms, and impossible dates, to the general path', () => {
    for (const text of [
      '2024-03-05T10:20Z',
      '2024-03-05T10:20:30+02:00',
      '20240305T102030Z',
      '2024-02-30T10:00:00Z',
    ])
      expect(canonicalUtcTimestamp(text)).toBeUndefined();
    for (const text of NOT_DETECTED) expect(canonicalUtcTimestamp(text)).toBeUndefined();
  });

  it('agrees with the general path wherever it answers', () => {
    fc.assert(
      fc.property(nearlyUtcDateTime, (text) => {
        const fast = canonicalUtcTimestamp(text);
        if (fast !== undefined) expect(fast).toBe(viaMicros(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers for every valid UTC date-time with seconds, so the fast path is really taken', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('Z', '+00:00', ''),
        (date, offset) => {
          const text = date.toISOString().replace('Z', offset);
          expect(canonicalUtcTimestamp(text)).toBe(viaMicros(text));
          expect(viaMicros(text)).toBeDefined();
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('unixSecondsToMicros', () => {
  it('rounds the fraction half to even as Python does', () => {
    expect(unixSecondsToMicros(78172.128)).toBe(78172128000n);
    expect(unixSecondsToMicros(1.0000005)).toBe(1000001n);
    expect(unixSecondsToMicros(5e-7)).toBe(0n);
    expect(unixSecondsToMicros(1.5e-6)).toBe(2n);
    expect(unixSecondsToMicros(-2.5)).toBe(-2500000n);
    expect(unixSecondsToMicros(1709634030.0000005)).toBe(1709634030000000n);
  });

  it('is exact for integers and refuses values outside years 1–9999', () => {
    expect(unixSecondsToMicros(253402300799n)).toBe(253402300799000000n);
    expect(unixSecondsToMicros(253402300800n)).toBeUndefined();
    expect(unixSecondsToMicros(-62135596801)).toBeUndefined();
    expect(unixSecondsToMicros(Number.NaN)).toBeUndefined();
  });
});
