import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { scaffoldFromOpenApi, serverUrl } from './openapi-config.js';
import { parseOpenApi } from './openapi-document.js';
import { renderScaffold } from './scaffold.js';
import { validateScaffoldYaml } from './scaffold-validation.js';

const list = (selector: string) => ({
  get: {
    parameters: [
      { name: 'offset', in: 'query', schema: { type: 'integer' } },
      { name: 'limit', in: 'query', schema: { type: 'integer' } },
    ],
    responses: {
      '200': {
        content: {
          'application/json': {
            schema: {
              properties: {
                total: { type: 'integer' },
                [selector]: { type: 'array', items: { properties: { id: { type: 'integer' } } } },
              },
            },
          },
        },
      },
    },
  },
});

const SPEC = {
  openapi: '3.0.3',
  info: { title: 'Tasks', version: '1.2' },
  servers: [{ url: 'https://{region}.tasks.example/v1', variables: { region: { default: 'eu' } } }],
  security: [{ key: [] }],
  paths: { '/tasks': list('data'), '/projects': list('data'), '/labels': list('items') },
  components: { securitySchemes: { key: { type: 'apiKey', in: 'query', name: 'api_key' } } },
};

describe('scaffoldFromOpenApi', () => {
  const scaffold = scaffoldFromOpenApi(SPEC, { specName: 'tasks.json' });
  const text = renderScaffold(scaffold);

  it('takes base_url from the first server, its variables at their defaults', () => {
    expect(serverUrl(SPEC)).toBe('https://eu.tasks.example/v1');
    expect(scaffold.config.client).toMatchObject({ base_url: 'https://eu.tasks.example/v1' });
  });

  it('puts the paginator most resources share in resource_defaults; the odd one sets its own', () => {
    expect(parseYaml(text)).toEqual({
      client: {
        base_url: 'https://eu.tasks.example/v1',
        auth: { type: 'api_key', name: 'api_key', api_key: '{secrets.api_key}', location: 'query' },
      },
      resource_defaults: {
        endpoint: { paginator: { type: 'offset', limit: 100, total_path: 'total' }, data_selector: 'data' },
      },
      resources: [
        { name: 'tasks', endpoint: { path: '/tasks' }, primary_key: 'id', write_disposition: 'merge' },
        { name: 'projects', endpoint: { path: '/projects' }, primary_key: 'id', write_disposition: 'merge' },
        {
          name: 'labels',
          endpoint: {
            path: '/labels',
            paginator: { type: 'offset', limit: 100, total_path: 'total' },
            data_selector: 'items',
          },
          primary_key: 'id',
          write_disposition: 'merge',
        },
      ],
    });
  });

  it('writes readable YAML: secrets quoted, small maps inline, guesses as comments', () => {
    expect(text).toContain(
      'auth: { type: api_key, name: api_key, api_key: "{secrets.api_key}", location: query }',
    );
    expect(text).toContain('# GUESSED for 2 of 3 resources: offset from the query parameters offset/limit');
    expect(text).toContain('# GUESSED: api_key from the security scheme "key"');
    expect(text.split('\n').every((line) => line.length <= 110)).toBe(true);
  });

  it('validates through the config loader with stand-ins for its secrets', () => {
    expect(scaffold.secrets).toEqual(['api_key']);
    const source = validateScaffoldYaml(text, scaffold.secrets);
    expect(source.resources.map((r) => [r.name, r.endpoint.data_selector])).toEqual([
      ['tasks', 'data'],
      ['projects', 'data'],
      ['labels', 'items'],
    ]);
  });

  it('uses --base-url over the spec and notes the spec server', () => {
    const given = scaffoldFromOpenApi(SPEC, { specName: 'tasks.json', baseUrl: 'http://127.0.0.1:9000' });
    expect(given.config.client).toMatchObject({ base_url: 'http://127.0.0.1:9000' });
    expect(given.notes.get('client.base_url')?.[0]).toContain('https://eu.tasks.example/v1');
  });

  it('asks for --base-url when the server URL is relative or missing', () => {
    expect(() =>
      scaffoldFromOpenApi({ ...SPEC, servers: [{ url: '/api/v3' }] }, { specName: 's.json' }),
    ).toThrow(/relative server URL "\/api\/v3": pass --base-url/);
    expect(() => scaffoldFromOpenApi({ ...SPEC, servers: [] }, { specName: 's.json' })).toThrow(
      /names no server/,
    );
  });

  it('refuses a spec without list endpoints', () => {
    expect(() => scaffoldFromOpenApi({ ...SPEC, paths: {} }, { specName: 's.json' })).toThrow(
      /no GET endpoint/,
    );
  });
});

describe('parseOpenApi', () => {
  it('reads YAML and JSON and refuses Swagger 2.0 with what to do', () => {
    expect(parseOpenApi('openapi: 3.1.0\npaths: {}\n', 'a.yaml')).toEqual({ openapi: '3.1.0', paths: {} });
    expect(parseOpenApi('{"openapi":"3.0.0","paths":{}}', 'a.json').openapi).toBe('3.0.0');
    expect(() => parseOpenApi('{"swagger":"2.0","paths":{}}', 'a.json')).toThrow(
      /Swagger 2.0.*convert it first/,
    );
    expect(() => parseOpenApi('{"openapi":', 'a.json')).toThrow(/not valid JSON or YAML/);
  });
});
