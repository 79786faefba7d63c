import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../config/secret-registry.js';
import { redactEvent, type TributaryEvent } from './events.js';

describe('redactEvent', () => {
  const registry = new SecretRegistry();
  registry.add('fake-event-secret');
  const redact = (text: string) => registry.redact(text);

  it('masks secrets in every text field of an event', () => {
    const event: TributaryEvent = {
      type: 'retry',
      resource: 'r',
      method: 'GET',
      url: 'http://h/x?sig=fake-event-secret',
      attempt: 1,
      reason: '500: {"echo": "fake-event-secret"}',
      waitMs: 10,
    };
    expect(redactEvent(event, redact)).toEqual({
      ...event,
      url: 'http://h/x?sig=***',
      reason: '500: {"echo": "***"}',
    });
    expect(event.url).toContain('fake-event-secret');
  });

  it('hands back the same event when there is nothing to mask', () => {
    const event: TributaryEvent = { type: 'warning', message: 'nothing secret' };
    expect(redactEvent(event, redact)).toBe(event);
  });
});
