import { TributaryError } from '../../errors/tributary-error.js';
import { findAll } from '../select/json-path.js';
import { showValue } from './paginator.js';
import { pythonFlag } from './python-coercion.js';

/**
 * Reads the has-more flag at `path` (first match) as dlt's range and cursor paginators do: missing or
 * null fails, so does anything that is not a boolean or a boolean word.
 */
export function readHasMore(path: string, body: unknown): boolean {
  const value = findAll(path, body)[0];
  if (value === undefined || value === null) {
    throw new TributaryError(
      'PAGINATION',
      `has-more flag not found in the response at path "${path}"; check \`has_more_path\``,
    );
  }
  const flag = pythonFlag(value);
  if (flag === undefined) {
    throw new TributaryError(
      'PAGINATION',
      `has-more flag at path "${path}" must be a boolean (or "true"/"false"), got ${showValue(value)}`,
    );
  }
  return flag;
}
