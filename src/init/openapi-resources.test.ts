import { describe, expect, it } from 'vitest';
import { planResources } from './openapi-resources.js';

const json = (schema: unknown) => ({ '200': { content: { 'application/json': { schema } } } });
const page = { name: 'page', in: 'query', schema: { type: 'integer' } };
const perPage = { name: 'per_page', in: 'query', schema: { type: 'integer', maximum: 100 } };

/** A small API in the style of many: users with ids, their posts, a detail endpoint, `/me`. */
const SPEC = {
  openapi: '3.0.3',
  paths: {
    '/v1/users': {
      get: {
        parameters: [page, perPage],
        responses: json({
          type: 'object',
          properties: {
            data: { type: 'array', items: { $ref: '#/components/schemas/User' } },
            meta: { type: 'object', properties: { total_pages: { type: 'integer' } } },
          },
        }),
      },
    },
    '/v1/users/{user_id}': { get: { responses: json({ $ref: '#/components/schemas/User' }) } },
    '/v1/users/{user_id}/posts': {
      parameters: [{ name: 'user_id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: {
        responses: json({
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'integer' } } },
        }),
      },
    },
    '/v1/me': { get: { responses: json({ $ref: '#/components/schemas/User' }) } },
    '/v1/orgs/{org}/teams/{team}/members': { get: { responses: json({ type: 'array', items: {} }) } },
    '/v1/tags/{tag}/items': { get: { responses: json({ type: 'array', items: {} }) } },
    '/v1/events': { post: { responses: json({ type: 'array', items: {} }) } },
  },
  components: {
    schemas: {
      User: { allOf: [{ $ref: '#/components/schemas/Base' }, { properties: { email: { type: 'string' } } }] },
      Base: { type: 'object', properties: { id: { type: 'integer' } } },
    },
  },
};

describe('planResources', () => {
  const { resources, skipped } = planResources(SPEC);

  it('makes one resource per list endpoint, named from the path without the shared prefix', () => {
    expect(resources.map((r) => r.name)).toEqual(['users', 'users_posts']);
  });

  it('takes the data selector, paginator, page size param and id of a list', () => {
    expect(resources[0]).toMatchObject({
      path: '/v1/users',
      dataSelector: 'data',
      paginator: { type: 'page_number', base_page: 1, total_path: 'meta.total_pages' },
      params: { per_page: 100 },
      primaryKey: 'id',
    });
  });

  it("binds a child's path parameter to the parent's id with the placeholder form", () => {
    expect(resources[1]).toMatchObject({
      path: '/v1/users/{resources.users.id}/posts',
      dataSelector: '$',
      paginator: { type: 'single_page' },
      includeFromParent: ['id'],
      primaryKey: 'id',
    });
    expect(resources[1]?.notes[0]).toContain('{user_id} is each users record\'s "id"');
  });

  it('skips detail endpoints, single objects and children it cannot bind, saying why', () => {
    expect(skipped).toEqual([
      { path: '/v1/users/{user_id}', reason: 'one record per request (a detail endpoint)' },
      { path: '/v1/me', reason: 'returns one object, not a list' },
      {
        path: '/v1/orgs/{org}/teams/{team}/members',
        reason: 'more than one path parameter (a child reads from one parent only)',
      },
      { path: '/v1/tags/{tag}/items', reason: 'no list endpoint at /v1/tags yields {tag}' },
    ]);
  });

  it('binds to a parent field named like the parameter before id', () => {
    const spec = {
      openapi: '3.1.0',
      paths: {
        '/repos': {
          get: { responses: json({ type: 'array', items: { properties: { id: {}, repo_slug: {} } } }) },
        },
        '/repos/{repo_slug}/commits': { get: { responses: json({ type: 'array', items: {} }) } },
      },
    };
    expect(planResources(spec).resources[1]?.path).toBe('/repos/{resources.repos.repo_slug}/commits');
  });

  it("follows the records' links to their detail when the list lacks the field a child needs", () => {
    const spec = {
      openapi: '3.1.0',
      paths: {
        '/api/pokemon/': {
          get: {
            parameters: [
              { name: 'limit', in: 'query', schema: { type: 'integer' } },
              { name: 'offset', in: 'query', schema: { type: 'integer' } },
            ],
            responses: json({
              properties: {
                count: { type: 'integer' },
                results: {
                  type: 'array',
                  items: { properties: { name: {}, url: { type: 'string', format: 'uri' } } },
                },
              },
            }),
          },
        },
        '/api/pokemon/{id}/': { get: { responses: json({ properties: { id: { type: 'integer' } } }) } },
        '/api/pokemon/{pokemon_id}/encounters': { get: { responses: json({ type: 'array', items: {} }) } },
      },
    };
    const plan = planResources(spec);
    expect(plan.resources.map((r) => [r.name, r.path])).toEqual([
      ['pokemon', '/api/pokemon/'],
      ['pokemon_detail', '{resources.pokemon.url}'],
      ['pokemon_encounters', '/api/pokemon/{resources.pokemon_detail.id}/encounters'],
    ]);
    expect(plan.resources[0]?.paginator).toEqual({ type: 'offset', limit: 100, total_path: 'count' });
    expect(plan.resources[1]).toMatchObject({
      primaryKey: 'id',
      paginator: { type: 'single_page' },
      dataSelector: '$',
    });
    expect(plan.skipped).toEqual([
      {
        path: '/api/pokemon/{id}/',
        reason: 'one record per request; read through the links by pokemon_detail',
      },
    ]);
  });

  it('skips a child whose parent records carry nothing to bind', () => {
    const spec = {
      openapi: '3.1.0',
      paths: {
        '/things': { get: { responses: json({ type: 'array', items: { properties: { label: {} } } }) } },
        '/things/{thing}/parts': { get: { responses: json({ type: 'array', items: {} }) } },
      },
    };
    expect(planResources(spec).skipped).toEqual([
      { path: '/things/{thing}/parts', reason: 'the records of things have no field for {thing}' },
    ]);
  });
});
