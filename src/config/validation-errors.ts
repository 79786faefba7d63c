import type { z } from 'zod';
import { SECRET_KEY_NAMES } from './secret-key-names.js';

type Issue = z.core.$ZodIssue;
type PathPart = PropertyKey;

/** `['resources', 0, 'endpoint']` → `resources[0].endpoint`. */
export function formatConfigPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(config)' : out;
}

/** A union branch that failed only because the value had another shape (string vs object). */
function isShapeMismatch(branch: Issue[]): boolean {
  return branch.every(
    (issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value'),
  );
}

function expectedOf(branches: Issue[][]): string {
  const expected = new Set<string>();
  for (const issue of branches.flat()) {
    if (issue.code === 'invalid_type') expected.add(issue.expected);
    if (issue.code === 'invalid_value') expected.add(`one of ${issue.values.map(String).join(', ')}`);
  }
  return [...expected].join(' or ');
}

/** Flattens zod's union issues into the one explanation that fits the value the user wrote. */
function flattenIssue(issue: Issue, prefix: readonly PathPart[]): Array<{ path: PathPart[]; text: string }> {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], text: 'unknown key' }));
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [{ path, text: `must be one of ${options.map(String).join(', ')}` }];
      }
      const candidates = issue.errors.filter((branch) => !isShapeMismatch(branch));
      if (candidates.length === 0) return [{ path, text: `expected ${expectedOf(issue.errors)}` }];
      const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
      return best.flatMap((inner) => flattenIssue(inner, path));
    }
    case 'invalid_type':
      return [{ path, text: `expected ${issue.expected}${issue.input === undefined ? ' (missing)' : ''}` }];
    case 'invalid_value':
      return [{ path, text: `must be one of ${issue.values.map(String).join(', ')}` }];
    default:
      return [{ path, text: issue.message }];
  }
}

/**
 * Human-readable lines for a failed validation, one per problem, each naming the key by its path:
 * `resources[0].endpoint.paginatr: unknown key`. Values are never echoed, so secrets cannot leak.
 */
export function formatConfigIssues(issues: readonly Issue[]): string[] {
  const lines = issues.flatMap((issue) => flattenIssue(issue, []));
  return [...new Set(lines.map(({ path, text }) => `${formatConfigPath(path)}: ${text}`))];
}

/** Masks a secret like dlt does in validation output: `first*****last`. */
export function maskSecret(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  const text = String(value);
  return text.length < 3 ? '*****' : `${text[0]}*****${text[text.length - 1]}`;
}

export function isSecretKeyName(key: string): boolean {
  return SECRET_KEY_NAMES.has(key.toLowerCase());
}
