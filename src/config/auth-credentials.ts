import { AUTH_FIELDS, AUTH_TYPES } from './auth-schema.js';
import { secretRegistry } from './secret-registry.js';
import { lookupSecret, type SecretSources, secretPlaceholder } from './secrets.js';

/**
 * The config paths dlt tries for an auth field of `rest_api_source` (section and name `rest_api`,
 * innermost section `credentials`), most specific first: as environment variables these are
 * `SOURCES__REST_API__REST_API__CREDENTIALS__TOKEN`, `SOURCES__REST_API__CREDENTIALS__TOKEN`,
 * `SOURCES__CREDENTIALS__TOKEN`, `CREDENTIALS__TOKEN`; in secrets.toml the matching tables.
 */
export function credentialPaths(field: string, sourceName = 'rest_api'): string[] {
  return [
    `sources.${sourceName}.${sourceName}.credentials.${field}`,
    `sources.${sourceName}.credentials.${field}`,
    `sources.credentials.${field}`,
    `credentials.${field}`,
  ];
}

/**
 * The auth fields that are credentials. `username`, `client_id` and `access_token_url` are not: dlt
 * masks the first two in validation errors, but registering them would mask ordinary words and the
 * token URL in every output and in the data.
 */
const CREDENTIAL_FIELDS = new Set(['token', 'api_key', 'password', 'client_secret', 'access_token']);

/** Fields a replay may fill with a placeholder: the credentials and who they belong to. */
const PLACEHOLDER_FIELDS = new Set([...CREDENTIAL_FIELDS, 'username', 'client_id']);

/** Registers the credentials an auth dict holds, written literally or resolved, before validation. */
function registerCredentials(dict: Record<string, unknown>): void {
  for (const field of CREDENTIAL_FIELDS) secretRegistry.add(dict[field]);
}

function lookupField(field: string, sources: SecretSources): string | undefined {
  for (const path of credentialPaths(field)) {
    const value = lookupSecret(path, sources);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Completes an auth config from dlt's credential locations: a bare type string (`auth: api_key`) or
 * a dict that lacks a required field gets each missing field from the environment or secrets files.
 * Fields given in the config are kept (dlt lets the environment win; see dlt-compatibility.md).
 * Anything still missing is left for validation to report.
 */
export function completeAuthFromSecrets(auth: unknown, sources: SecretSources): unknown {
  const dict: Record<string, unknown> | undefined =
    typeof auth === 'string'
      ? { type: auth }
      : typeof auth === 'object' && auth !== null && !Array.isArray(auth)
        ? { ...(auth as Record<string, unknown>) }
        : undefined;
  if (dict === undefined) return auth;
  // A literal credential is masked like a resolved one, also when validation then fails.
  registerCredentials(dict);
  const type = dict.type ?? 'bearer';
  if (typeof type !== 'string' || !(AUTH_TYPES as readonly string[]).includes(type)) return dict;
  const fields = AUTH_FIELDS[type as (typeof AUTH_TYPES)[number]];
  if (fields.required.every((field) => dict[field] !== undefined)) return { type, ...dict };
  for (const field of [...fields.required, ...fields.optional]) {
    if (dict[field] !== undefined) continue;
    // Replaying a cassette needs no credentials: a missing one becomes a placeholder (secrets.ts).
    const placeholder =
      sources.placeholders && PLACEHOLDER_FIELDS.has(field) ? secretPlaceholder(field) : undefined;
    const value = lookupField(field, sources) ?? placeholder;
    if (value === undefined) continue;
    if (CREDENTIAL_FIELDS.has(field)) secretRegistry.add(value);
    if (field === 'default_token_expiration') dict[field] = Number(value);
    else if (field === 'access_token_request_data') dict[field] = JSON.parse(value) as unknown;
    else dict[field] = value;
  }
  return { type, ...dict };
}
