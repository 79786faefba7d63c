// Apart from the auth schema so that the normalize worker, which masks secrets in errors, does not
// load zod (about 90 ms of its start).

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
