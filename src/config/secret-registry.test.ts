import { describe, expect, it } from 'vitest';
import { redactUrl, SecretRegistry } from './secret-registry.js';

describe('secret redaction', () => {
  it('masks every registered value, also URL-encoded', () => {
    const registry = new SecretRegistry();
    registry.add('fake key/with+chars');
    const text = `a fake key/with+chars b ${encodeURIComponent('fake key/with+chars')} c fake+key%2Fwith%2Bchars`;
    expect(registry.redact(text)).toBe('a *** b *** c ***');
  });

  it('masks secret-like query parameters by name, and user info', () => {
    const registry = new SecretRegistry();
    expect(redactUrl('http://u:pw-123@h/v1/tasks?api_key=abc&offset=200&token=t', registry)).toBe(
      'http://u:***@h/v1/tasks?api_key=***&offset=200&token=***',
    );
  });

  it('masks a registered secret under any parameter name', () => {
    const registry = new SecretRegistry();
    registry.add('fake-appid-999');
    expect(redactUrl('http://h/x?appid=fake-appid-999', registry)).toBe('http://h/x?appid=***');
  });
});

describe('secret forms', () => {
  it('masks a secret as a URL path and a raw query carry it, and JSON-escaped', () => {
    const registry = new SecretRegistry();
    const secret = 'fake key+/=~"é';
    registry.add(secret);
    const url = new URL(`http://h/a/${secret}/b?${secret}`).toString();
    expect(registry.redact(url)).toBe('http://h/a/***/b?***');
    expect(registry.redact(JSON.stringify({ v: `x ${secret} y` }))).toBe('{"v":"x *** y"}');
  });

  it('ignores values too short to mask without masking ordinary words', () => {
    const registry = new SecretRegistry();
    registry.add('abc');
    registry.add(42);
    expect(registry.redact('abc 42')).toBe('abc 42');
    expect(registry.size).toBe(0);
  });
});

describe('redactRecords', () => {
  it('masks secrets in values and keys at any depth, in place, keeping key order', () => {
    const registry = new SecretRegistry();
    registry.add('fake-secret-1234');
    const records: unknown[] = [
      { id: 1, note: 'key fake-secret-1234!', 'k_fake-secret-1234': 2, z: { deep: ['fake-secret-1234', 7] } },
      'fake-secret-1234',
      { clean: 'nothing here', n: 5n },
    ];
    expect(registry.redactRecords(records)).toBe(4);
    expect(records).toEqual([
      { id: 1, note: 'key ***!', 'k_***': 2, z: { deep: ['***', 7] } },
      '***',
      { clean: 'nothing here', n: 5n },
    ]);
    expect(Object.keys(records[0] as object)).toEqual(['id', 'note', 'k_***', 'z']);
  });

  it('keeps a __proto__ key an ordinary field when it renames keys', () => {
    const registry = new SecretRegistry();
    registry.add('fake-secret-1234');
    const record = JSON.parse('{"__proto__": {"polluted": 1}, "fake-secret-1234": 1}') as Record<
      string,
      unknown
    >;
    registry.redactRecords([record]);
    expect(Object.keys(record)).toEqual(['__proto__', '***']);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });

  it('walks 100,000 levels of nesting without overflowing the stack', () => {
    const registry = new SecretRegistry();
    registry.add('fake-secret-1234');
    let value: unknown = 'fake-secret-1234';
    for (let i = 0; i < 100_000; i++) value = i % 2 ? { a: value } : [value];
    expect(registry.redactRecords([value])).toBe(1);
  });

  it('does nothing, and walks nothing, while no secret is registered', () => {
    const records = [{ a: 'fake-secret-1234' }];
    expect(new SecretRegistry().redactRecords(records)).toBe(0);
    expect(records).toEqual([{ a: 'fake-secret-1234' }]);
  });
});

describe('mayHoldInJson', () => {
  /** What the text says of a page, and what walking its records finds: the two must agree. */
  const textAndWalk = (secrets: SecretRegistry, text: string) => [
    secrets.mayHoldInJson(text),
    secrets.redactRecords((JSON.parse(text) as { data: unknown[] }).data) > 0,
  ];
  const registry = new SecretRegistry();
  registry.add('fake-api-key-1234');

  it('answers from the text alone when it has no escapes, and agrees with walking the records', () => {
    const pages = [
      '{"data":[{"id":1,"name":"plain"},{"id":2,"tags":["a","b"]}]}',
      '{"data":[{"id":1,"note":"echo fake-api-key-1234 back"}]}',
      '{"data":[{"id":1,"fake-api-key-1234":true}]}',
      '{"data":[{"id":1,"deep":[[{"x":"fake-api-key-1234"}]]}]}',
    ];
    const answers = pages.map((text) => textAndWalk(registry, text));
    expect(answers).toEqual([
      [false, false],
      [true, true],
      [true, true],
      [true, true],
    ]);
  });

  it('says the records must be walked when the text has escapes, which can spell a secret', () => {
    // "\u0066" is "f": the text does not hold the secret, the parsed string does.
    const text = '{"data":[{"note":"\\u0066ake-api-key-1234"}]}';
    expect(text.includes('fake-api-key-1234')).toBe(false);
    expect(registry.mayHoldInJson(text)).toBe(true);
    expect(registry.redactRecords((JSON.parse(text) as { data: unknown[] }).data)).toBe(1);
  });

  it('answers from the text when its escapes are short ones and no secret holds what they stand for', () => {
    const pages = [
      '{"data":[{"note":"a \\"quoted\\" line\\nand a \\\\ path"}]}',
      '{"data":[{"note":"\\"fake-api-key-1234\\"\\n"}]}',
      '{"data":[{"note":"C:\\\\fake-api-key-1234"}]}',
    ];
    const answers = pages.map((text) => textAndWalk(registry, text));
    expect(answers).toEqual([
      [false, false],
      [true, true],
      [true, true],
    ]);
  });

  it('says the records must be walked when a secret holds a character a short escape stands for', () => {
    const slashed = new SecretRegistry();
    slashed.add('fake/api/key-5678');
    // PHP writes "/" as "\/": the text does not hold the secret, the parsed string does.
    const text = '{"data":[{"note":"fake\\/api\\/key-5678"}]}';
    expect(text.includes('fake/api/key-5678')).toBe(false);
    expect(slashed.mayHoldInJson(text)).toBe(true);
    expect(slashed.redactRecords((JSON.parse(text) as { data: unknown[] }).data)).toBe(1);
    // Without escapes the text still answers alone.
    expect(slashed.mayHoldInJson('{"data":[{"note":"plain"}]}')).toBe(false);
  });

  it('is false while no secret is registered', () => {
    expect(new SecretRegistry().mayHoldInJson('{"a":"\\u0066ake"}')).toBe(false);
  });
});
