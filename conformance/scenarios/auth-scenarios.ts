import type { Scenario } from '../scenario.js';
import type { ApiRequest } from '../scenario-server.js';
import { intParam, json, records, router, unauthorized } from './api-kit.js';

const PEOPLE = records(12, (i) => ({ email: `person${i + 1}@example.com` }));

/** Two pages of people behind a check of the request's credentials. */
function guardedPeople(allowed: (request: ApiRequest) => boolean) {
  return () =>
    router({
      'GET /people': (request) => {
        if (!allowed(request)) return unauthorized();
        const page = intParam(request, 'page', 1);
        return json({ data: PEOPLE.slice((page - 1) * 6, page * 6), total_pages: 2 });
      },
    });
}

const pagedPeople = {
  name: 'people',
  endpoint: {
    path: 'people',
    params: { sort: 'name asc', fields: ['id', 'email'] },
    data_selector: 'data',
    paginator: { type: 'page_number', base_page: 1, total_path: 'total_pages' },
  },
};

const apiKeyHeader: Scenario = {
  name: 'auth-api-key-header',
  covers: '`api_key` in a header (`X-API-Key`), key from `dlt.secrets`; list and space params encoded',
  env: { PEOPLE_API__KEY: 'header-key-42' },
  authHeaders: ['x-api-key'],
  config: (origin) => ({
    client: {
      base_url: origin,
      auth: { type: 'api_key', name: 'X-API-Key', api_key: '{secrets.people_api.key}', location: 'header' },
    },
    resources: [pagedPeople],
  }),
  api: guardedPeople((request) => request.headers['x-api-key'] === 'header-key-42'),
};

const apiKeyQuery: Scenario = {
  name: 'auth-api-key-query',
  covers: '`api_key` with `location: query` appended after the other params, on every page',
  env: { TOKEN: 'q-key-7' },
  config: (origin) => ({
    client: {
      base_url: origin,
      auth: { type: 'api_key', name: 'access_key', api_key: '{secrets.token}', location: 'query' },
    },
    resources: [pagedPeople],
  }),
  api: guardedPeople((request) => request.query.get('access_key') === 'q-key-7'),
};

const bearer: Scenario = {
  name: 'auth-bearer',
  covers: '`bearer` token from a secret; a configured `Authorization` client header is overridden',
  env: { BEARER_TOKEN: 'tok-abc' },
  config: (origin) => ({
    client: {
      base_url: origin,
      headers: { Authorization: 'Token wrong', Accept: 'application/json' },
      auth: { type: 'bearer', token: '{secrets.bearer_token}' },
    },
    resources: [pagedPeople],
  }),
  api: guardedPeople((request) => request.headers.authorization === 'Bearer tok-abc'),
};

const bearerFromCredentials: Scenario = {
  name: 'auth-bearer-from-credentials',
  covers: 'auth as the bare type string `bearer`, the token from `SOURCES__REST_API__CREDENTIALS__TOKEN`',
  env: { SOURCES__REST_API__CREDENTIALS__TOKEN: 'env-token-9' },
  config: (origin) => ({ client: { base_url: origin, auth: 'bearer' }, resources: [pagedPeople] }),
  api: guardedPeople((request) => request.headers.authorization === 'Bearer env-token-9'),
};

const basic = `Basic ${Buffer.from('ann:s3cr:t ü').toString('base64')}`;

const httpBasic: Scenario = {
  name: 'auth-http-basic',
  covers: '`http_basic` (password with `:` and non-ASCII) on an endpoint-level `auth` over a client `auth`',
  env: { BASIC__USERNAME: 'ann', BASIC__PASSWORD: 's3cr:t ü' },
  config: (origin) => ({
    client: { base_url: origin, auth: { type: 'bearer', token: 'not-this-one' } },
    resources: [
      {
        ...pagedPeople,
        endpoint: {
          ...pagedPeople.endpoint,
          auth: {
            type: 'http_basic',
            username: '{secrets.basic.username}',
            password: '{secrets.basic.password}',
          },
        },
      },
    ],
  }),
  api: guardedPeople((request) => request.headers.authorization === basic),
};

const oauth2: Scenario = {
  name: 'auth-oauth2-client-credentials',
  covers:
    '`oauth2_client_credentials`: form POST to the token URL with `access_token_request_data`, then bearer',
  env: { OAUTH__CLIENT_ID: 'client-1', OAUTH__CLIENT_SECRET: 'secret-1' },
  config: (origin) => ({
    client: {
      base_url: origin,
      auth: {
        type: 'oauth2_client_credentials',
        access_token_url: `${origin}/oauth/token`,
        client_id: '{secrets.oauth.client_id}',
        client_secret: '{secrets.oauth.client_secret}',
        access_token_request_data: { scope: 'people:read', audience: 'https://api.example.com/' },
      },
    },
    resources: [pagedPeople],
  }),
  api: () => {
    let issued = 0;
    const people = guardedPeople((request) => request.headers.authorization === `Bearer access-${issued}`)();
    return (request, run) => {
      if (request.method === 'POST' && request.path === '/oauth/token') {
        const form = new URLSearchParams(request.body);
        if (form.get('client_id') !== 'client-1' || form.get('client_secret') !== 'secret-1') {
          return { status: 401, body: { error: 'invalid_client' } };
        }
        issued++;
        return json({ access_token: `access-${issued}`, token_type: 'Bearer', expires_in: 3600 });
      }
      return people(request, run);
    };
  },
};

export const authScenarios: Scenario[] = [
  apiKeyHeader,
  apiKeyQuery,
  bearer,
  bearerFromCredentials,
  httpBasic,
  oauth2,
];
