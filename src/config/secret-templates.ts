import { ConfigError } from '../errors/tributary-error.js';
import { resolveSecret, type SecretSources } from './secrets.js';

const SECRET_PLACEHOLDER = /\{secrets\.([A-Za-z0-9_.-]+)\}/g;

/**
 * Replaces `{secrets.<dotted.key>}` in every string of a config tree with the resolved secret.
 * Other placeholders (`{resources.…}`, `{incremental.…}`) are left for the request templating.
 * Returns a new tree; the input is not mutated. A tree that contains itself (a YAML alias inside
 * its own anchor, `a: &x [*x]`) is refused: it has no end to walk.
 */
export function resolveSecretTemplates(node: unknown, sources: SecretSources): unknown {
  return resolveIn(node, sources, new Set());
}

function resolveIn(node: unknown, sources: SecretSources, ancestors: Set<object>): unknown {
  if (typeof node === 'string') {
    return node.includes('{secrets.')
      ? node.replace(SECRET_PLACEHOLDER, (_match, key: string) => resolveSecret(key, sources))
      : node;
  }
  const isArray = Array.isArray(node);
  if (
    !isArray &&
    !(typeof node === 'object' && node !== null && Object.getPrototypeOf(node) === Object.prototype)
  )
    return node;
  const container = node as object;
  if (ancestors.has(container)) {
    throw new ConfigError('the config contains itself (a YAML alias inside its own anchor); write it out');
  }
  ancestors.add(container);
  const out = isArray
    ? (node as unknown[]).map((item) => resolveIn(item, sources, ancestors))
    : Object.fromEntries(
        Object.entries(container).map(([key, value]) => [key, resolveIn(value, sources, ancestors)]),
      );
  ancestors.delete(container);
  return out;
}
