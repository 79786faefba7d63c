import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/tributary-error.js';
import { restApiSource } from './rest-api-source.js';

const client = { base_url: 'http://127.0.0.1:1' };

function configError(config: unknown): string {
  try {
    restApiSource(config);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('restApiSource config', () => {
  it('expands string resources into name and path', () => {
    const [plan] = restApiSource({ client, resources: ['v1/tasks'] }).resources;
    expect(plan).toMatchObject({
      name: 'v1/tasks',
      endpoint: { path: 'v1/tasks' },
      writeDisposition: 'append',
    });
  });

  it('uses the resource name as path when none is given', () => {
    const { resources } = restApiSource({
      client,
      resources: [{ name: 'r' }, { name: 's', endpoint: 'p' }, { name: 't', endpoint: {} }],
    });
    expect(resources.map((r) => r.endpoint.path)).toEqual(['r', 'p', 't']);
  });

  it('merges resource_defaults as dlt does: params one level, paginator replaced, null resets', () => {
    const source = restApiSource({
      client,
      resource_defaults: {
        primary_key: 'id',
        write_disposition: 'merge',
        endpoint: {
          params: { p1: 'X', p3: 'Y' },
          paginator: { type: 'offset', limit: 10 },
          data_selector: 'data',
        },
      },
      resources: [
        { name: 'a', endpoint: { params: { p1: 'A', p2: 'B' } } },
        { name: 'b', endpoint: { paginator: 'single_page', data_selector: null } },
        { name: 'c', write_disposition: 'append', primary_key: ['x', 'y'] },
      ],
    });
    const [a, b, c] = source.resources;
    expect(a?.endpoint.params).toEqual({ p1: 'A', p3: 'Y', p2: 'B' });
    expect(a?.endpoint.paginator).toEqual({ type: 'offset', limit: 10 });
    expect(a).toMatchObject({ primaryKey: ['id'], writeDisposition: 'merge' });
    expect(b?.endpoint).toMatchObject({
      paginator: 'single_page',
      data_selector: null,
      params: { p1: 'X', p3: 'Y' },
    });
    expect(c).toMatchObject({ primaryKey: ['x', 'y'], writeDisposition: 'append' });
  });

  it('merges column hints from defaults column by column', () => {
    const [plan] = restApiSource({
      client,
      resource_defaults: { columns: { id: { data_type: 'bigint' }, name: { data_type: 'text' } } },
      resources: [{ name: 'r', columns: { id: { nullable: false } } }],
    }).resources;
    expect(plan?.columns).toEqual({
      id: { data_type: 'bigint', nullable: false },
      name: { data_type: 'text' },
    });
  });

  it('detects single-entity paths: selector $ and one page', () => {
    const [plan] = restApiSource({
      client,
      resources: [{ name: 'r', endpoint: { path: '/users/{id}', params: { id: 5 } } }],
    }).resources;
    expect(plan?.endpoint).toMatchObject({
      path: '/users/5',
      data_selector: '$',
      paginator: { type: 'single_page' },
    });
    expect(plan?.endpoint.params).toEqual({});
  });

  it('names a misspelled key by its path', () => {
    const message = configError({
      client,
      resources: [{ name: 'r', endpoint: { path: 'x', paginatr: {} } }],
    });
    expect(message).toContain('resources[0].endpoint.paginatr: unknown key');
  });

  it('names a missing required key and a bad enum value', () => {
    const message = configError({
      client: { ...client, auth: { type: 'api_key', api_key: 'k3y-value', location: 'body' } },
      resources: [{ name: 'r', endpoint: { paginator: { type: 'offset' } } }],
    });
    expect(message).toContain('client.auth.location: must be one of header, query, param, cookie');
    expect(message).toContain('resources[0].endpoint.paginator.limit: expected number (missing)');
  });

  it('never echoes secret values in validation errors', () => {
    const secret = 'fake-secret-value-12345';
    const message = configError({
      client: { ...client, auth: { type: 'api_key', api_key: secret, extra: secret } },
      resources: ['r'],
    });
    expect(message).toContain('client.auth.extra: unknown key');
    expect(message).not.toContain(secret);
  });

  it('treats an auth dict without type as bearer', () => {
    const source = restApiSource({
      client: { ...client, auth: { token: 'fake-token-abc' } },
      resources: ['r'],
    });
    expect(source.client.auth).toEqual({ type: 'bearer', token: 'fake-token-abc' });
  });

  it('refuses duplicate resource names and an empty resource list', () => {
    expect(configError({ client, resources: ['a', { name: 'a' }] })).toContain('"a" is already defined');
    expect(configError({ client, resources: [] })).toContain('resources:');
  });

  it('refuses include_from_parent on a resource without a parent', () => {
    expect(configError({ client, resources: [{ name: 'r', include_from_parent: ['id'] }] })).toContain(
      'resources[0].include_from_parent: the resource has no parent resource',
    );
  });

  it('finds the parent from placeholders and orders parents before children', () => {
    const { resources } = restApiSource({
      client,
      resources: [
        { name: 'comments', endpoint: { path: 'issues/{resources.issues.number}/comments' } },
        { name: 'reactions', endpoint: { path: 'r', params: { c: '{resources.comments.id}' } } },
        'issues',
      ],
    });
    expect(resources.map((r) => [r.name, r.parent])).toEqual([
      ['issues', undefined],
      ['comments', 'issues'],
      ['reactions', 'comments'],
    ]);
  });

  it('reads the legacy resolve param as a parent binding', () => {
    const [, child] = restApiSource({
      client,
      resources: [
        'issues',
        {
          name: 'c',
          endpoint: {
            path: 'i/{n}/c',
            params: { n: { type: 'resolve', resource: 'issues', field: 'number' } },
          },
        },
      ],
    }).resources;
    expect(child?.parent).toBe('issues');
  });

  it('explains bad placeholders, cycles, unknown and multiple parents', () => {
    expect(configError({ client, resources: [{ name: 'r', endpoint: 'users/{id}' }] })).toContain(
      'has no param of that name',
    );
    expect(
      configError({ client, resources: [{ name: 'r', endpoint: { path: 'x', params: { q: '{oops}' } } }] }),
    ).toContain('write literal braces as "{{" and "}}"');
    expect(
      configError({
        client,
        resources: [
          { name: 'a', endpoint: 'a/{resources.b.id}' },
          { name: 'b', endpoint: 'b/{resources.a.id}' },
        ],
      }),
    ).toContain('cycle: a → b → a');
    expect(configError({ client, resources: [{ name: 'a', endpoint: 'a/{resources.zz.id}' }] })).toContain(
      'unknown resource "zz"',
    );
    expect(
      configError({
        client,
        resources: [
          'x',
          'y',
          { name: 'a', endpoint: { path: 'a/{resources.x.id}', params: { y: '{resources.y.id}' } } },
        ],
      }),
    ).toContain('one parent only');
  });

  it('turns a legacy incremental param into the incremental of the endpoint', () => {
    const [plan] = restApiSource({
      client,
      resources: [
        {
          name: 'r',
          endpoint: {
            params: { since: { type: 'incremental', cursor_path: 'updated_at', initial_value: '2024' } },
          },
        },
      ],
    }).resources;
    expect(plan?.incremental).toEqual({
      cursor_path: 'updated_at',
      initial_value: '2024',
      start_param: 'since',
    });
    expect(plan?.endpoint.params).toEqual({});
  });
});
