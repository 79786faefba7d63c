import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { loadConfigFile } from './load-config-file.js';

const CONFIG = {
  client: {
    base_url: 'http://127.0.0.1:1',
    auth: { type: 'api_key', name: 'api_key', api_key: '{secrets.api_key}', location: 'query' },
  },
  resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
  resources: [
    {
      name: 'tasks',
      endpoint: { path: '/v1/tasks', data_selector: 'data', paginator: { type: 'offset', limit: 100 } },
    },
  ],
};

describe('config files', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  const secrets = () => ({ env: { API_KEY: 'fake-key-for-tests' }, projectDir: temp.dir });
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('reads the same config from JSON and YAML, resolving secrets', async () => {
    await writeFile(join(temp.dir, 'a.json'), JSON.stringify(CONFIG));
    await writeFile(
      join(temp.dir, 'b.yaml'),
      [
        'client:',
        '  base_url: http://127.0.0.1:1',
        '  auth: { type: api_key, name: api_key, api_key: "{secrets.api_key}", location: query }',
        'resource_defaults: { primary_key: id, write_disposition: merge }',
        'resources:',
        '  - name: tasks',
        '    endpoint: { path: /v1/tasks, data_selector: data, paginator: { type: offset, limit: 100 } }',
      ].join('\n'),
    );
    const fromJson = await loadConfigFile(join(temp.dir, 'a.json'), { secrets: secrets() });
    const fromYaml = await loadConfigFile(join(temp.dir, 'b.yaml'), { secrets: secrets() });
    expect(fromYaml).toEqual(fromJson);
    expect(fromJson.client.auth).toEqual({
      type: 'api_key',
      name: 'api_key',
      api_key: 'fake-key-for-tests',
      location: 'query',
    });
    expect(fromJson.resources[0]).toMatchObject({ primaryKey: ['id'], writeDisposition: 'merge' });
  });

  it('overrides base_url on request', async () => {
    await writeFile(join(temp.dir, 'a.json'), JSON.stringify(CONFIG));
    const source = await loadConfigFile(join(temp.dir, 'a.json'), {
      secrets: secrets(),
      baseUrl: 'http://127.0.0.1:2',
    });
    expect(source.client.base_url).toBe('http://127.0.0.1:2');
  });

  it('reports unreadable and malformed files as config errors', async () => {
    await expect(loadConfigFile(join(temp.dir, 'missing.yaml'))).rejects.toThrow(/cannot read config file/);
    await writeFile(join(temp.dir, 'bad.yaml'), 'client: [unclosed');
    await expect(loadConfigFile(join(temp.dir, 'bad.yaml'))).rejects.toThrow(/is not valid YAML/);
    await writeFile(join(temp.dir, 'c.toml'), 'x = 1');
    await expect(loadConfigFile(join(temp.dir, 'c.toml'))).rejects.toThrow(/unsupported config file type/);
  });
});
