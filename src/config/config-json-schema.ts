import { z } from 'zod';
import { AUTH_TYPES } from './auth-schema.js';
import { restApiConfigSchema } from './config-schema.js';

/**
 * The JSON Schema (draft 2020-12) of a config file, for editors: YAML (yaml-language-server) and
 * JSON (`"$schema"`) get completion and validation. Functions (TypeScript-only keys) are open.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(restApiConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  allowAuthShorthands(schema);
  // A JSON config may name its schema; allow the key so that validation does not reject it.
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://tributary.dev/schema/rest-api-config.json',
    title: 'Tributary rest_api_source config',
    properties: { $schema: { type: 'string' }, ...properties },
  };
}

/**
 * The validator sees auth after dlt's shorthands are expanded (a bare type name, a dict without
 * `type`, fields from secrets); editors see the file as written, so every `auth` also accepts those.
 */
function allowAuthShorthands(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) allowAuthShorthands(item);
    return;
  }
  const record = node as Record<string, unknown>;
  const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
  const auth = properties?.auth;
  if (auth && Array.isArray(auth.anyOf)) {
    auth.anyOf = [
      ...auth.anyOf,
      { type: 'string', enum: [...AUTH_TYPES] },
      { type: 'object', not: { required: ['type'] } },
    ];
  }
  for (const value of Object.values(record)) allowAuthShorthands(value);
}
