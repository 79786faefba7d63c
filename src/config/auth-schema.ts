import { z } from 'zod';

const bearerAuth = z.strictObject({ type: z.literal('bearer'), token: z.string() });

const apiKeyAuth = z.strictObject({
  type: z.literal('api_key'),
  api_key: z.string(),
  name: z.string().optional(),
  location: z.enum(['header', 'query', 'param', 'cookie']).optional(),
});

const httpBasicAuth = z.strictObject({
  type: z.literal('http_basic'),
  username: z.string(),
  password: z.string(),
});

const oauth2ClientCredentialsAuth = z.strictObject({
  type: z.literal('oauth2_client_credentials'),
  access_token_url: z.string().min(1),
  client_id: z.string(),
  client_secret: z.string(),
  access_token: z.string().nullable().optional(),
  access_token_request_data: z.record(z.string(), z.unknown()).optional(),
  default_token_expiration: z.number().positive().optional(),
  /**
   * Tributary extension (dlt#4206): how the client authenticates to the token endpoint, RFC 6749
   * §2.3.1: credentials in the form body (dlt's behaviour) or as HTTP Basic.
   */
  client_auth_method: z.enum(['client_secret_post', 'client_secret_basic']).optional(),
});

export const AUTH_TYPES = ['bearer', 'api_key', 'http_basic', 'oauth2_client_credentials'] as const;

/** Fields of each auth type, the required ones first: what dlt looks up in its config providers. */
export const AUTH_FIELDS: Record<(typeof AUTH_TYPES)[number], { required: string[]; optional: string[] }> = {
  bearer: { required: ['token'], optional: [] },
  api_key: { required: ['api_key'], optional: ['name', 'location'] },
  http_basic: { required: ['username', 'password'], optional: [] },
  oauth2_client_credentials: {
    required: ['access_token_url', 'client_id', 'client_secret'],
    optional: ['access_token_request_data', 'default_token_expiration', 'client_auth_method'],
  },
};

/**
 * Auth of the client or an endpoint. A dict without `type` is bearer, as in dlt; a bare type
 * string takes every field from secrets (resolved before validation).
 */
export const authConfigSchema = z.discriminatedUnion('type', [
  bearerAuth,
  apiKeyAuth,
  httpBasicAuth,
  oauth2ClientCredentialsAuth,
]);

export type AuthConfig = z.infer<typeof authConfigSchema>;
export type ApiKeyAuthConfig = z.infer<typeof apiKeyAuth>;
export type OAuth2ClientCredentialsConfig = z.infer<typeof oauth2ClientCredentialsAuth>;
