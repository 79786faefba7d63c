import { resolveSecret, type SecretSources } from './secrets.js';

const SECRET_PLACEHOLDER = /\{secrets\.([A-Za-z0-9_.-]+)\}/g;

/**
 * Replaces `{secrets.<dotted.key>}` in every string of a config tree with the resolved secret.
 * Other placeholders (`{resources.…}`, `{incremental.…}`) are left for the request templating.
 * Returns a new tree; the input is not mutated.
 */
export function resolveSecretTemplates(node: unknown, sources: SecretSources): unknown {
  if (typeof node === 'string') {
    return node.includes('{secrets.')
      ? node.replace(SECRET_PLACEHOLDER, (_match, key: string) => resolveSecret(key, sources))
      : node;
  }
  if (Array.isArray(node)) return node.map((item) => resolveSecretTemplates(item, sources));
  if (typeof node === 'object' && node !== null && Object.getPrototypeOf(node) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, resolveSecretTemplates(value, sources)]),
    );
  }
  return node;
}
