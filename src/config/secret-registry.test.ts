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
