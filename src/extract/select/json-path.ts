import { JSONPath } from 'jsonpath-plus';
import { TributaryError } from '../../errors/tributary-error.js';

/**
 * dlt's JSONPath dialect (jsonpath-ng) takes bare dotted names relative to the root
 * (`results.posts`) and bracket keys without a root (`['@odata.nextLink']`); jsonpath-plus wants
 * an explicit `$`.
 */
function rooted(path: string): string {
  // jsonpath-plus reads `@` in a quoted key as a type operator; its backtick form keeps the key literal.
  const literal = path.replace(/\[(['"])(@[^'"]*)\1\]/g, (_m, _q, key: string) => `[\`${key}]`);
  if (literal.startsWith('$')) return literal;
  return literal.startsWith('[') ? `$${literal}` : `$.${literal}`;
}

/** Every value the path matches, in document order. */
export function findAll(path: string, document: unknown): unknown[] {
  if (document === null || typeof document !== 'object') return path === '$' ? [document] : [];
  try {
    return JSONPath({ path: rooted(path), json: document, wrap: true, eval: false }) as unknown[];
  } catch (cause) {
    // jsonpath-plus recurses per level for `..`: past about 1,000 levels the stack runs out.
    const reason =
      cause instanceof RangeError
        ? 'the document is nested too deeply for this path; use a path without ".." (recursive descent)'
        : cause instanceof Error
          ? cause.message
          : String(cause);
    throw new TributaryError('DATA_SELECTOR', `JSONPath "${path}" cannot be evaluated: ${reason}`, { cause });
  }
}

/** The first match, or undefined when nothing matches. */
export function findFirst(path: string, document: unknown): unknown {
  return findAll(path, document)[0];
}
