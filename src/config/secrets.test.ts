import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { completeAuthFromSecrets } from './auth-credentials.js';
import { secretRegistry } from './secret-registry.js';
import { resolveSecretTemplates } from './secret-templates.js';
import { envNameForKey, lookupSecret, resolveSecret } from './secrets.js';

describe('secrets', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.cleanup());

  const write = async (folder: string, text: string) => {
    await mkdir(join(temp.dir, folder), { recursive: true });
    await writeFile(join(temp.dir, folder, 'secrets.toml'), text);
  };

  it("names environment variables as dlt does: dots become '__', upper case", () => {
    expect(envNameForKey('api_key')).toBe('API_KEY');
    expect(envNameForKey('sources.tasks.api_key')).toBe('SOURCES__TASKS__API_KEY');
  });

  it('looks in the environment first, then .tributary/secrets.toml, then .dlt/secrets.toml', async () => {
    await write('.tributary', 'api_key = "from-tributary"\n');
    await write(
      '.dlt',
      'api_key = "from-dlt"\nother = "only-dlt"\n[sources.tasks]\ntoken = "nested-value"\n',
    );
    const sources = { env: { API_KEY: 'from-env' }, projectDir: temp.dir };
    expect(lookupSecret('api_key', sources)).toBe('from-env');
    expect(lookupSecret('api_key', { ...sources, env: {} })).toBe('from-tributary');
    expect(lookupSecret('other', { ...sources, env: {} })).toBe('only-dlt');
    expect(lookupSecret('sources.tasks.token', { ...sources, env: {} })).toBe('nested-value');
  });

  it('says where it looked when a secret is missing, without any value', () => {
    expect(() => resolveSecret('api_key', { env: {}, projectDir: temp.dir })).toThrow(
      /API_KEY.*\.tributary\/secrets\.toml.*\.dlt\/secrets\.toml/,
    );
  });

  it('replaces {secrets.x} placeholders in every string of a config and leaves others alone', () => {
    const sources = { env: { API_KEY: 'k-123456', SOURCES__T__TOKEN: 'tok-987654' }, projectDir: temp.dir };
    const out = resolveSecretTemplates(
      { a: '{secrets.api_key}', b: ['Bearer {secrets.sources.t.token}'], c: '{resources.x.id}', d: 5 },
      sources,
    );
    expect(out).toEqual({ a: 'k-123456', b: ['Bearer tok-987654'], c: '{resources.x.id}', d: 5 });
  });

  it('reports a broken secrets file without quoting its content', async () => {
    await write('.dlt', 'api_key = "unterminated-secret-value\n');
    expect(() => lookupSecret('api_key', { env: {}, projectDir: temp.dir })).toThrow(/not valid TOML/);
    try {
      lookupSecret('api_key', { env: {}, projectDir: temp.dir });
    } catch (error) {
      expect((error as Error).message).not.toContain('unterminated-secret-value');
    }
  });

  it('registers credentials written literally in an auth block, before validation, but not user names', () => {
    const stamp = Date.now();
    const token = `fake-literal-token-${stamp}`;
    const user = `fake-user-${stamp}`;
    completeAuthFromSecrets(
      { type: 'bearer', token, extra: 'invalid key' },
      { env: {}, projectDir: temp.dir },
    );
    completeAuthFromSecrets(
      { type: 'http_basic', username: user },
      { env: { SOURCES__REST_API__CREDENTIALS__PASSWORD: `fake-password-${stamp}` }, projectDir: temp.dir },
    );
    expect(secretRegistry.redact(`${token} ${user} fake-password-${stamp}`)).toBe(`*** ${user} ***`);
  });

  it('refuses a config that contains itself (a YAML alias inside its anchor) with a typed error', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = [loop];
    expect(() => resolveSecretTemplates({ client: loop }, { env: {}, projectDir: temp.dir })).toThrow(
      /contains itself/,
    );
    const shared = { path: '/x' };
    expect(resolveSecretTemplates({ a: shared, b: shared }, { env: {}, projectDir: temp.dir })).toEqual({
      a: shared,
      b: shared,
    });
  });
});
