import { TributaryError } from '../errors/tributary-error.js';
import {
  API_KEY_LOCATIONS,
  type ApiKeyLocation,
  AUTH_CHOICES,
  type AuthChoice,
  defaultName,
  type InitAnswers,
  parsePaginatorSpec,
  parseResourceSpec,
} from './flag-config.js';

/** Asks one question; resolves to the answer, trimmed ('' when the user just pressed Enter). */
export type Ask = (question: string) => Promise<string>;

/** The flags `init` cannot do without (when there is no `--openapi`). */
export function missingFlags(partial: Partial<InitAnswers>): string[] {
  return [
    ...(partial.baseUrl === undefined ? ['--base-url URL'] : []),
    ...(partial.resources === undefined || partial.resources.length === 0 ? ['--resource NAME=PATH'] : []),
  ];
}

const MAX_TRIES = 5;

/** Asks until `parse` accepts the answer; its error message is shown before asking again. */
async function askUntil<T>(ask: Ask, question: string, parse: (answer: string) => T): Promise<T> {
  let problem = '';
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const answer = (await ask(`${problem}${question}`)).trim();
    try {
      return parse(answer);
    } catch (error) {
      problem = `  ${error instanceof Error ? error.message : String(error)}\n`;
    }
  }
  throw new TributaryError(
    'CONFIG_INVALID',
    `no usable answer to "${question.trim()}" after ${MAX_TRIES} tries`,
  );
}

function oneOf<T extends string>(choices: readonly T[], fallback: T): (answer: string) => T {
  return (answer) => {
    const value = answer === '' ? fallback : answer;
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new Error(`answer one of ${choices.join(', ')}`);
  };
}

const optional = (answer: string) => (answer === '' ? undefined : answer);

/**
 * Completes the answers with questions for everything no flag gave, in the order a config is read:
 * base URL, name, resources, auth, paginator, data selector, primary key. Optional questions accept
 * an empty answer (detect at run time, or none).
 */
export async function askForMissing(partial: Partial<InitAnswers>, ask: Ask): Promise<InitAnswers> {
  const baseUrl =
    partial.baseUrl ??
    (await askUntil(ask, 'Base URL of the API (e.g. https://api.example.com/v1): ', (answer) => {
      if (!/^https?:\/\/[^/]/i.test(answer)) throw new Error('a full http:// or https:// URL');
      return answer;
    }));
  const fallbackName = defaultName(baseUrl);
  const name =
    partial.name ??
    ((await ask(`Name of the config and pipeline [${fallbackName}]: `)).trim() || fallbackName);
  const resources =
    partial.resources && partial.resources.length > 0
      ? partial.resources
      : await askUntil(ask, 'Resources as NAME=PATH, comma-separated (e.g. tasks=/v1/tasks): ', (answer) => {
          const specs = answer.split(',').filter((spec) => spec.trim() !== '');
          if (specs.length === 0) throw new Error('at least one resource');
          return specs.map(parseResourceSpec);
        });
  const auth: AuthChoice =
    partial.auth ??
    (await askUntil(ask, `Auth (${AUTH_CHOICES.join(', ')}) [none]: `, oneOf(AUTH_CHOICES, 'none')));
  let apiKeyLocation = partial.apiKeyLocation;
  let apiKeyName = partial.apiKeyName;
  if (auth === 'api_key') {
    apiKeyLocation ??= await askUntil(
      ask,
      `Where the key goes (${API_KEY_LOCATIONS.join(', ')}) [header]: `,
      oneOf<ApiKeyLocation>(API_KEY_LOCATIONS, 'header'),
    );
    const fallback = apiKeyLocation === 'header' ? 'Authorization' : 'api_key';
    apiKeyName ??= (await ask(`Name of the key's ${apiKeyLocation} [${fallback}]: `)).trim() || fallback;
  }
  const paginator =
    partial.paginator ??
    (await askUntil(
      ask,
      'Paginator as TYPE[,key=value…] (e.g. offset,limit=100,total_path=total) [detect]: ',
      (answer) => {
        if (answer !== '') parsePaginatorSpec(answer);
        return optional(answer);
      },
    ));
  const dataSelector =
    partial.dataSelector ??
    optional((await ask('Where the records are in a response (e.g. data) [detect]: ')).trim());
  const primaryKey =
    partial.primaryKey ?? optional((await ask('Primary key column(s), comma-separated [none]: ')).trim());
  return {
    name,
    baseUrl,
    resources,
    auth,
    ...(apiKeyLocation ? { apiKeyLocation } : {}),
    ...(apiKeyName ? { apiKeyName } : {}),
    ...(paginator ? { paginator } : {}),
    ...(dataSelector ? { dataSelector } : {}),
    ...(primaryKey ? { primaryKey } : {}),
  };
}
