import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../../examples/task-api/task-api-server.js';
import { loadConfigFile } from '../../src/config/load-config-file.js';
import { type PokeApiServer, startPokeApi } from '../fixtures/pokeapi-server.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const SPEC = resolve('test/fixtures/pokeapi-openapi.yml');

let temp: { dir: string; cleanup: () => Promise<void> };
const env = () => ({ TRIBUTARY_HOME: join(temp.dir, 'home') });
const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(args, { cwd: temp.dir, env: { ...env(), ...extraEnv }, timeoutMs: 120_000 });
const count = (rows: Array<Record<string, unknown>>) => Number(rows[0]?.n);

beforeEach(async () => {
  temp = await makeTempDir('tributary-init-');
  return temp.cleanup;
});

describe('tributary init --openapi on the PokéAPI document', () => {
  let api: PokeApiServer;
  beforeAll(async () => {
    api = await startPokeApi({ pokemon: 130, berry: 64, characteristic: 30 });
  });
  afterAll(() => api.close());

  it('writes a config that the loader accepts, with base_url from the spec', async () => {
    const result = await cli(['init', '--openapi', SPEC]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote pokeapi.yaml: 51 resources, validated.');
    const text = await readFile(join(temp.dir, 'pokeapi.yaml'), 'utf8');
    const config = parseYaml(text);
    expect(config.client).toEqual({ base_url: 'https://pokeapi.co' });
    expect(config.resource_defaults.endpoint).toEqual({
      paginator: { type: 'offset', limit: 100, total_path: 'count' },
      data_selector: 'results',
    });
    expect(config.resources).toContainEqual({
      name: 'berry_firmness',
      endpoint: { path: '/api/v2/berry-firmness/' },
    });
    expect(text).toContain('# GUESSED');
    expect(text).toMatch(/\/api\/v2\/pokemon\/\{id\}\/ — one record per request/);
    const source = await loadConfigFile(join(temp.dir, 'pokeapi.yaml'));
    expect(source.resources.map((r) => r.name)).toContain('pokemon_encounters');
  });

  it('binds the child to its parent and follows the list links for the id the child needs', async () => {
    expect((await cli(['init', '--openapi', SPEC])).code).toBe(0);
    const config = parseYaml(await readFile(join(temp.dir, 'pokeapi.yaml'), 'utf8'));
    const byName = new Map(config.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('pokemon_detail')).toEqual({
      name: 'pokemon_detail',
      endpoint: { path: '{resources.pokemon.url}', paginator: { type: 'single_page' }, data_selector: '$' },
      primary_key: 'id',
      write_disposition: 'merge',
    });
    expect(byName.get('pokemon_encounters')).toEqual({
      name: 'pokemon_encounters',
      endpoint: {
        path: '/api/v2/pokemon/{resources.pokemon_detail.id}/encounters',
        paginator: { type: 'single_page' },
        data_selector: '$',
      },
      include_from_parent: ['id'],
    });
  });

  it('runs the generated config against a local PokéAPI into DuckDB: every list, the details, the child', async () => {
    const init = await cli(['init', '--openapi', SPEC, '--base-url', api.url, '--output', 'poke.yaml']);
    expect(init.code).toBe(0);
    api.requests.length = 0;
    const run = await cli(['run', 'poke.yaml', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // limit/offset paging as the spec has it: 130 pokemon in two pages of 100, stopped by `count`.
    expect(api.requests.filter((r) => r.startsWith('/api/v2/pokemon/?'))).toEqual([
      '/api/v2/pokemon/?offset=0&limit=100',
      '/api/v2/pokemon/?offset=100&limit=100',
    ]);
    const config = parseYaml(await readFile(join(temp.dir, 'poke.yaml'), 'utf8'));
    const lists = config.resources.filter(
      (r: { endpoint: { paginator?: unknown } }) => !r.endpoint.paginator,
    );
    expect(lists).toHaveLength(49);
    const expectedEncounters = Array.from({ length: 130 }, (_, i) => api.encountersOf(i + 1));
    await withDuckDb(join(temp.dir, 'poke.duckdb'), async (query) => {
      for (const { name, endpoint } of lists as Array<{ name: string; endpoint: { path: string } }>) {
        const kind = endpoint.path.split('/')[3] ?? '';
        expect([name, count(await query(`SELECT count(*) AS n FROM poke_dataset.${name}`))]).toEqual([
          name,
          api.countOf(kind),
        ]);
      }
      expect(await query('SELECT name, url FROM poke_dataset.pokemon ORDER BY name LIMIT 1')).toEqual([
        { name: 'pokemon-1', url: `${api.url}/api/v2/pokemon/1/` },
      ]);
      expect(
        await query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM poke_dataset.pokemon_detail'),
      ).toEqual([{ n: 130n, ids: 130n }]);
      expect(count(await query('SELECT count(*) AS n FROM poke_dataset.pokemon_detail__types'))).toBe(130);
      const encounters = await query(
        'SELECT count(*) AS n, count(DISTINCT _pokemon_detail_id) AS parents FROM poke_dataset.pokemon_encounters',
      );
      expect(encounters).toEqual([
        {
          n: BigInt(expectedEncounters.reduce((a, b) => a + b, 0)),
          parents: BigInt(expectedEncounters.filter((n) => n > 0).length),
        },
      ]);
    });
  });
});

describe('tributary init from flags', () => {
  let api: TaskApi;
  beforeAll(async () => {
    api = await startTaskApi({ count: 345, seed: 3 });
  });
  afterAll(() => api.close());

  const taskFlags = () => [
    'init',
    '--name',
    'tasks',
    '--base-url',
    api.url,
    '--resource',
    'task_management=/v1/tasks',
    '--auth',
    'api_key',
    '--api-key-location',
    'query',
    '--api-key-name',
    'api_key',
    '--paginator',
    'offset,limit=100,total_path=total',
    '--data-selector',
    'data',
    '--primary-key',
    'id',
  ];

  it('never prompts, keeps the key a secret reference, and the config runs against the demo task API', async () => {
    const init = await cli(taskFlags());
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('set API_KEY in the environment, or fill in .tributary/secrets.toml');
    const text = await readFile(join(temp.dir, 'tasks.yaml'), 'utf8');
    expect(text).toContain('api_key: "{secrets.api_key}"');
    expect(text).not.toContain(DEMO_API_KEY);
    // The template's line, filled in as its comment says: the loader reads it.
    const secrets = join(temp.dir, '.tributary', 'secrets.toml');
    const template = await readFile(secrets, 'utf8');
    expect(template).toContain('# api_key = ""');
    await writeFile(secrets, template.replace('# api_key = ""', `api_key = "${DEMO_API_KEY}"`));
    const run = await cli(['run', 'tasks.yaml', '--quiet']);
    expect(run.code).toBe(0);
    await withDuckDb(join(temp.dir, 'tasks.duckdb'), async (query) => {
      expect(
        await query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM tasks_dataset.task_management'),
      ).toEqual([{ n: 345n, ids: 345n }]);
    });
  });

  it('refuses to overwrite an existing config without --force, and overwrites it with --force', async () => {
    expect((await cli(taskFlags())).code).toBe(0);
    const config = join(temp.dir, 'tasks.yaml');
    const secrets = join(temp.dir, '.tributary', 'secrets.toml');
    await writeFile(secrets, 'api_key = "kept"\n');
    const first = await readFile(config, 'utf8');
    const again = await cli([...taskFlags(), '--base-url', 'http://127.0.0.1:9']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/tasks\.yaml exists: pass --force to overwrite it/);
    expect(await readFile(config, 'utf8')).toBe(first);
    const forced = await cli([...taskFlags(), '--base-url', 'http://127.0.0.1:9', '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(config, 'utf8')).toContain('base_url: http://127.0.0.1:9');
    // A secrets file may hold real secrets: never replaced, --force or not.
    expect(await readFile(secrets, 'utf8')).toBe('api_key = "kept"\n');
    expect(forced.stdout).toContain('Left .tributary/secrets.toml as it is');
  });

  it('exits 2 and lists the missing flags when there is no terminal to ask on', async () => {
    const none = await cli(['init']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'init needs --base-url URL and --resource NAME=PATH (no terminal to ask on)',
    );
    const half = await cli(['init', '--base-url', 'https://api.example.com']);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('init needs --resource NAME=PATH');
    expect(half.stderr).not.toContain('--base-url URL');
    expect(existsSync(join(temp.dir, 'example.yaml'))).toBe(false);
    expect(existsSync(join(temp.dir, '.tributary'))).toBe(false);
  });

  it('exits 2 on a paginator the schema refuses, writing nothing', async () => {
    const result = await cli([
      'init',
      '--base-url',
      'https://api.example.com',
      '--resource',
      'a',
      '--paginator',
      'offset,limit=-5',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the generated config would not be valid, so nothing was written');
    expect(existsSync(join(temp.dir, 'example.yaml'))).toBe(false);
  });

  it('exits 2 when --openapi is combined with flags that describe the API by hand', async () => {
    const result = await cli(['init', '--openapi', SPEC, '--resource', 'a=/a', '--auth', 'bearer']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('drop --resource, --auth');
  });
});
