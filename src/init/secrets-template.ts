import { envNameForKey } from '../config/secrets.js';

/**
 * The environment variable each secret key is read from (`api_key` → `API_KEY`,
 * `sources.x.token` → `SOURCES__X__TOKEN`), as `{secrets.<key>}` resolves it.
 */
export function secretEnvNames(secrets: readonly string[]): string[] {
  return secrets.map(envNameForKey);
}

/**
 * A `.tributary/secrets.toml` template for the keys a config references: each key commented out,
 * so that a key not yet filled in is reported as missing (with where it was looked for) instead of
 * being sent as an empty credential.
 *
 * @example
 * secretsTomlTemplate(['api_key'], 'tasks.yaml') // '…\n# api_key = ""\n'
 */
export function secretsTomlTemplate(secrets: readonly string[], configFile: string): string {
  const tables = new Map<string, string[]>();
  for (const key of secrets) {
    const parts = key.split('.');
    const name = parts.pop() ?? key;
    const table = parts.join('.');
    tables.set(table, [...(tables.get(table) ?? []), name]);
  }
  const lines = [
    `# Secrets for ${configFile}, read by \`tributary run\` from this folder (dlt's secrets.toml layout).`,
    '# Keep this file out of version control. Uncomment each line and fill it in, or set the',
    `# environment variables instead (they win over this file): ${secretEnvNames(secrets).join(', ')}`,
  ];
  for (const [table, names] of tables) {
    lines.push('');
    if (table !== '') lines.push(`[${table}]`);
    for (const name of names) lines.push(`# ${name} = ""`);
  }
  return `${lines.join('\n')}\n`;
}
