import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { TributaryError } from '../errors/tributary-error.js';
import { restApiConfigSchema } from './config-schema.js';
import { loadConfigFile } from './load-config-file.js';
import { restApiSource } from './rest-api-source.js';
import type { SecretSources } from './secrets.js';
import { formatConfigIssues } from './validation-errors.js';

// Property tests: whatever a config holds, validation ends in a source or a typed error, and an
// error never repeats a credential written in an auth block.

/** Any JSON value, for the places a wrong value can stand. */
const anything = fc.jsonValue({ maxDepth: 3 });
/** A field holds a plausible value most of the time, anything now and then. */
const either = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: anything });

const name = fc.oneof(fc.constantFrom('tasks', 'users', 'comments', 'a b', ''), fc.string({ maxLength: 8 }));
const placeholder = fc.constantFrom(
  '{resources.tasks.id}',
  '{incremental.start_value}',
  '{secrets.missing}',
  '{id}',
);
const path = fc.oneof(
  fc.constantFrom('/v1/tasks', 'users/{id}', 'https://other.example/x', '/t/{resources.tasks.id}/c', ''),
  placeholder,
  fc.string({ maxLength: 12 }),
);

/** A literal credential: long, unique, and made of letters no key name or message uses together. */
const credential = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((text) => `LITERALsecret${text}`);

const auth = (secret: string) =>
  fc.oneof(
    fc.constant({ type: 'bearer', token: secret }),
    fc.constant({ token: secret }),
    fc.constant({ type: 'api_key', api_key: secret, name: 'api_key', location: 'query' }),
    fc.constant({ type: 'api_key', api_key: secret, location: 'nowhere' }),
    fc.constant({ type: 'http_basic', username: 'user', password: secret }),
    fc.constant({ type: 'http_basic', password: secret }),
    fc.constant({ type: 'oauth2_client_credentials', client_id: 'id', client_secret: secret }),
    fc.constant({ type: 'bearer', tokn: secret }),
    fc.constant({ type: secret }),
    fc.constant({ type: 'bearer', token: secret, extra: 1 }),
    fc.constant({ type: 'bearer', token: [secret] }),
    fc.constant(secret),
    anything,
  );

const paginator = either(
  fc.oneof(
    fc.constantFrom('auto', 'single_page', 'header_link', 'json_link', 'offset', 'cursor', 'bogus'),
    fc.record(
      {
        type: fc.constantFrom('offset', 'page_number', 'cursor', 'json_link', 'header_link', 'auto', 'x'),
        limit: either(fc.integer({ min: -2, max: 200 })),
        cursor_path: either(fc.constantFrom('next', '$.meta.next', '[', '')),
        next_url_path: either(fc.constantFrom('links.next', '$..[', '')),
        total_path: either(fc.constantFrom('total', '')),
      },
      { requiredKeys: ['type'] },
    ),
  ),
);

const endpoint = either(
  fc.oneof(
    path,
    fc.record(
      {
        path,
        method: either(fc.constantFrom('GET', 'POST', 'PUT')),
        params: either(
          fc.dictionary(
            fc.constantFrom('limit', 'since', 'id', 'token', 'q'),
            fc.oneof(
              fc.constantFrom(5, 'x', true, null, '{incremental.start_value}'),
              fc.constant({ type: 'resolve', resource: 'tasks', field: 'id' }),
              fc.constant({ type: 'resolve', resource: 'nope', field: 'id' }),
              fc.constant({ type: 'incremental', cursor_path: 'updated_at', initial_value: '2024-01-01' }),
              anything,
            ),
            { maxKeys: 3 },
          ),
        ),
        json: anything,
        data: anything,
        headers: either(fc.dictionary(fc.constantFrom('X-A', 'Authorization'), fc.string(), { maxKeys: 2 })),
        paginator,
        data_selector: either(fc.constantFrom('data', '$.items[*]', '$[', '', 'a.b')),
        incremental: either(
          fc.record({ cursor_path: either(fc.constantFrom('updated_at', '')), initial_value: anything }),
        ),
        response_actions: either(
          fc.array(fc.record({ status_code: either(fc.integer()), action: anything })),
        ),
      },
      { requiredKeys: [] },
    ),
  ),
);

const resource = fc.oneof(
  name,
  fc.record(
    {
      name: either(name),
      endpoint,
      primary_key: either(fc.oneof(fc.constant('id'), fc.array(fc.constantFrom('id', 'x')))),
      write_disposition: either(
        fc.oneof(
          fc.constantFrom('append', 'replace', 'merge', 'skip', 'upsert'),
          fc.record({
            disposition: fc.constantFrom('merge', 'replace'),
            strategy: fc.constantFrom('upsert', 'scd2', 'x'),
          }),
        ),
      ),
      include_from_parent: either(fc.array(fc.constantFrom('id', 'name'))),
      columns: either(
        fc.dictionary(
          fc.constantFrom('id', 'name'),
          fc.record({ data_type: either(fc.constantFrom('bigint', 'text', 'nope')) }),
        ),
      ),
      max_table_nesting: either(fc.integer({ min: -1, max: 3 })),
      selected: either(fc.boolean()),
    },
    { requiredKeys: [] },
  ),
  anything,
);

/** A config shaped like a `rest_api_source` config, wrong in random places, with a literal credential. */
const configWith = (secret: string) =>
  fc.record(
    {
      client: either(
        fc.record(
          {
            base_url: either(
              fc.constantFrom('http://127.0.0.1:1', 'https://api.example.com/v1/', '', 'not a url'),
            ),
            auth: auth(secret),
            paginator,
            headers: either(fc.dictionary(fc.constantFrom('X-A', 'Accept'), fc.string(), { maxKeys: 2 })),
            retry: either(fc.record({ max_retries: either(fc.integer({ min: -1, max: 5 })) })),
          },
          { requiredKeys: ['auth'] },
        ),
      ),
      resource_defaults: either(
        fc.record({ endpoint, primary_key: either(fc.constant('id')) }, { requiredKeys: [] }),
      ),
      resources: either(fc.array(resource, { maxLength: 4 })),
      source: either(
        fc.record({ name: either(name), max_table_nesting: either(fc.integer()) }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: ['client'] },
  );

const config = credential.chain((secret) => configWith(secret).map((value) => ({ secret, value })));

describe('config validation under arbitrary input', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let sources: SecretSources;
  beforeAll(async () => {
    temp = await makeTempDir();
    sources = { env: {}, projectDir: temp.dir };
  });
  afterAll(() => temp.cleanup());

  /** Builds the source, letting only TributaryErrors through. */
  function sourceOrTypedError(value: unknown): unknown {
    try {
      return restApiSource(value, { secrets: sources });
    } catch (error) {
      if (!(error instanceof TributaryError)) throw error;
      return error;
    }
  }

  it('restApiSource gives a source or a typed error for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        sourceOrTypedError(value);
      }),
      { numRuns: 300 },
    );
  });

  it('restApiSource gives a source or a typed error for configs wrong in random places', () => {
    fc.assert(
      fc.property(config, ({ value }) => {
        const outcome = sourceOrTypedError(value);
        if (!(outcome instanceof TributaryError)) expect(outcome).toMatchObject({ kind: 'rest_api_source' });
      }),
      { numRuns: 400 },
    );
  });

  it('validation messages never repeat a credential written in an auth block', () => {
    fc.assert(
      fc.property(config, ({ secret, value }) => {
        // The formatter itself, not the registry that would mask the secret afterwards anyway.
        const parsed = restApiConfigSchema.safeParse(value);
        if (parsed.success) return;
        expect(formatConfigIssues(parsed.error.issues).join('\n')).not.toContain(secret);
      }),
      { numRuns: 400 },
    );
  });

  describe('config files', () => {
    const lines = fc.constantFrom(
      'client:',
      '  base_url: http://127.0.0.1:1',
      '  auth: {type: bearer, token: LITERALsecretYAMLfuzz}',
      '  auth: !!foo LITERALsecretYAMLfuzz',
      'resources:',
      '  - tasks',
      '  - name: users',
      '    endpoint: {path: "/u/{secrets.missing}"}',
      '    endpoint: &e {path: /x, params: {a: *e}}',
      'a: &x [1, *x]',
      'b: &y {c: *y}',
      '<<: {d: 1}',
      '%YAML 1.1',
      '---',
      '...',
      'x: !!binary aGVsbG8=',
      'y: !!set {p, q}',
      'z: 2001-12-14',
      '? [k, l]',
      ': v',
      '- [',
      '  "unterminated',
      '\t tab',
      '',
    );
    const yamlText = fc.oneof(
      fc.array(lines, { maxLength: 12 }).map((l) => l.join('\n')),
      fc.string({ unit: 'binary', maxLength: 80 }),
      config.map(({ value }) => toYaml(value)),
    );
    const jsonText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      config.map(({ value }) => JSON.stringify(value)),
      config
        .map(({ value }) => JSON.stringify(value))
        .chain((text) => fc.integer({ min: 0, max: text.length }).map((cut) => text.slice(0, cut))),
    );

    it('loadConfigFile gives a source or a typed error for any YAML or JSON text', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            yamlText.map((text) => ({ ext: 'yaml', text })),
            jsonText.map((text) => ({ ext: 'json', text })),
          ),
          async ({ ext, text }) => {
            const file = join(temp.dir, `config-${n++}.${ext}`);
            await writeFile(file, text);
            try {
              await loadConfigFile(file, { secrets: sources });
            } catch (error) {
              if (!(error instanceof TributaryError)) throw error;
              expect(error.message).not.toContain('LITERALsecret');
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
