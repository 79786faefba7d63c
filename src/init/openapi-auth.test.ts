import { describe, expect, it } from 'vitest';
import { inferAuth } from './openapi-auth.js';

const spec = (schemes: Record<string, unknown>, security?: unknown[], operationSecurity?: unknown[]) => ({
  openapi: '3.0.3',
  ...(security ? { security } : {}),
  paths: {
    '/items': { get: { ...(operationSecurity ? { security: operationSecurity } : {}), responses: {} } },
  },
  components: { securitySchemes: schemes },
});

describe('inferAuth', () => {
  it('turns an apiKey in the query into api_key with its name, location and a secret reference', () => {
    const guess = inferAuth(spec({ key: { type: 'apiKey', in: 'query', name: 'appid' } }, [{ key: [] }]));
    expect(guess.auth).toEqual({
      type: 'api_key',
      name: 'appid',
      api_key: '{secrets.api_key}',
      location: 'query',
    });
    expect(guess.secrets).toEqual(['api_key']);
  });

  it('keeps an apiKey header name', () => {
    expect(inferAuth(spec({ k: { type: 'apiKey', in: 'header', name: 'X-API-Key' } })).auth).toEqual({
      type: 'api_key',
      name: 'X-API-Key',
      api_key: '{secrets.api_key}',
      location: 'header',
    });
  });

  it('maps HTTP bearer and basic', () => {
    expect(inferAuth(spec({ b: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } })).auth).toEqual({
      type: 'bearer',
      token: '{secrets.api_token}',
    });
    const basic = inferAuth(spec({ b: { type: 'http', scheme: 'Basic' } }));
    expect(basic.auth).toEqual({
      type: 'http_basic',
      username: '{secrets.api_username}',
      password: '{secrets.api_password}',
    });
    expect(basic.secrets).toEqual(['api_username', 'api_password']);
  });

  it('maps OAuth2 client credentials with the token URL and the scopes', () => {
    const guess = inferAuth(
      spec({
        oauth: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://a/auth',
              tokenUrl: 'https://a/token',
              scopes: {},
            },
            clientCredentials: {
              tokenUrl: 'https://a/token',
              scopes: { 'read:items': '', 'read:users': '' },
            },
          },
        },
      }),
    );
    expect(guess.auth).toEqual({
      type: 'oauth2_client_credentials',
      access_token_url: 'https://a/token',
      client_id: '{secrets.client_id}',
      client_secret: '{secrets.client_secret}',
      access_token_request_data: { scope: 'read:items read:users' },
    });
  });

  it('falls back to a bearer token for OAuth2 without client credentials, and says so', () => {
    const guess = inferAuth(
      spec({ oauth: { type: 'oauth2', flows: { implicit: { authorizationUrl: 'https://a', scopes: {} } } } }),
    );
    expect(guess.auth).toEqual({ type: 'bearer', token: '{secrets.api_token}' });
    expect(guess.note).toContain('get an access token yourself');
  });

  it('picks the scheme the operations require among several, and names the others', () => {
    const guess = inferAuth(
      spec(
        { basic: { type: 'http', scheme: 'basic' }, token: { type: 'http', scheme: 'bearer' } },
        undefined,
        [{ token: [] }],
      ),
    );
    expect(guess.auth).toEqual({ type: 'bearer', token: '{secrets.api_token}' });
    expect(guess.note).toContain('the spec also has basic');
  });

  it('has no auth when no scheme is defined or none of several is required', () => {
    expect(inferAuth({ openapi: '3.1.0', paths: {} })).toEqual({
      auth: undefined,
      secrets: [],
      note: undefined,
    });
    const unused = inferAuth(
      spec({ a: { type: 'http', scheme: 'basic' }, b: { type: 'http', scheme: 'bearer' } }),
    );
    expect(unused.auth).toBeUndefined();
    expect(unused.note).toContain('no GET operation requires');
  });
});
