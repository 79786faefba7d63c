import { redactSecretFields, secretRegistry } from '../../config/secret-registry.js';

/**
 * A short, redacted excerpt of a body for error messages: registered secrets and the values of
 * secret-named JSON fields are masked before the text is cut (so a cut cannot expose half a secret).
 */
export function bodyExcerpt(body: Buffer, max = 200): string {
  let head = body.subarray(0, max * 4).toString('utf8');
  // A secret the read cuts would show its start unmasked: drop where one could begin and not end.
  if (body.length > max * 4) head = head.slice(0, Math.max(0, head.length - secretRegistry.longest + 1));
  const text = redactSecretFields(secretRegistry.redact(head.replace(/\s+/g, ' ').trim()));
  if (text.length <= max) return text;
  // A secret field whose value the cut opens but does not close is masked to the end.
  return `${redactSecretFields(text.slice(0, max))}…`;
}
