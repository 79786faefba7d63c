import { describe, expect, it } from 'vitest';
import { JsonDouble } from '../../normalize/json-values.js';
import { formatJsonTemplate, formatTemplate } from './template.js';

const values: Record<string, unknown> = {
  id: 12345,
  s: 'ab',
  f: 3.14159,
  n: -42,
  big: 1234567,
  none: null,
  yes: true,
};
const lookup = (name: string) => values[name];

describe('templating like Python str.format', () => {
  it.each([
    ['{id}', '12345'],
    ['{{lit}} {id}', '{lit} 12345'],
    ['{none}/{yes}', 'None/True'],
    ['{id:08d}', '00012345'],
    ['{s:>5}|', '   ab|'],
    ['{s:^6}|', '  ab  |'],
    ['{f:.2f}', '3.14'],
    ['{n:+05d}', '-0042'],
    ['{big:,}', '1,234,567'],
    ['{id:#x}', '0x3039'],
    ['{s!r}', "'ab'"],
    ['{f:e}', '3.141590e+00'],
  ])('formats %s as %s', (template, expected) => {
    expect(formatTemplate(template, lookup)).toBe(expected);
  });

  it('refuses a lone brace and an unknown conversion', () => {
    expect(() => formatTemplate('a { b', lookup)).toThrow(/write literal braces as "\{\{" and "\}\}"/);
    expect(() => formatTemplate('{id!x}', lookup)).toThrow(/unknown conversion/);
  });

  it('keeps the type of a whole-placeholder JSON value and formats everything else', () => {
    expect(
      formatJsonTemplate(
        { id: '{id}', n: '{none}', label: 'id {id}', nested: ['{f}'], d: new JsonDouble(1) },
        lookup,
      ),
    ).toEqual({
      id: 12345,
      n: null,
      label: 'id 12345',
      nested: [3.14159],
      d: new JsonDouble(1),
    });
  });
});
