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

export const AUTH_TYPES = ['bearer', 'api_key', 'http_basic'] as const;

/**
 * Auth of the client or an endpoint. A dict without `type` is bearer, as in dlt; a bare type
 * string takes every field from secrets (resolved before validation).
 */
export const authConfigSchema = z.discriminatedUnion('type', [bearerAuth, apiKeyAuth, httpBasicAuth]);

export type AuthConfig = z.infer<typeof authConfigSchema>;
export type ApiKeyAuthConfig = z.infer<typeof apiKeyAuth>;

/** Keys whose values are masked in validation errors (dlt's list). */
export const SECRET_KEY_NAMES = new Set([
  'api_key',
  'token',
  'key',
  'access_token',
  'apikey',
  'api-key',
  'access-token',
  'secret',
  'password',
  'pwd',
  'client_secret',
  'username',
  'client_id',
]);
