import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './config-json-schema.js';

describe('the config JSON Schema', () => {
  it('is committed up to date in schema/ (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync('schema/rest-api-config.schema.json', 'utf8')) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes the keys editors complete, with their defaults documented elsewhere', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual([
      '$schema',
      'source',
      'client',
      'resource_defaults',
      'resources',
    ]);
    expect(schema.required).toEqual(['client', 'resources']);
    const text = JSON.stringify(schema);
    for (const key of [
      'next_url_path',
      'cursor_path',
      'total_path',
      'oauth2_client_credentials',
      'include_from_parent',
    ]) {
      expect(text).toContain(key);
    }
  });
});
