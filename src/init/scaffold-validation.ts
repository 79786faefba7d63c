import { parse as parseYaml } from 'yaml';
import { type RestApiSource, restApiSource } from '../config/rest-api-source.js';
import { resolveSecretTemplates } from '../config/secret-templates.js';
import { envNameForKey, type SecretSources } from '../config/secrets.js';

/** Stands in for each secret while checking: the real ones may not exist yet. */
const STAND_IN = 'tributary-init-stand-in-secret';

/**
 * Checks a generated YAML config the way `tributary run` loads it (YAML parse, `{secrets.x}`
 * resolution, schema validation, resource expansion and parent order), with a stand-in value for
 * each of the given secret keys and no secrets files. Throws the loader's `ConfigError` if invalid.
 */
export function validateScaffoldYaml(text: string, secrets: readonly string[]): RestApiSource {
  const sources: SecretSources = {
    env: Object.fromEntries(secrets.map((key) => [envNameForKey(key), STAND_IN])),
    projectDir: '/nonexistent/tributary-init-check',
  };
  const document: unknown = parseYaml(text, { logLevel: 'error' });
  return restApiSource(resolveSecretTemplates(document, sources), { secrets: sources });
}
