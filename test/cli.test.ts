import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startTaskApi, type TaskApi } from '../examples/task-api/task-api-server.js';
import { withDuckDb } from './support/duckdb-reader.js';
import { runCli } from './support/run-cli.js';
import { makeTempDir } from './support/temp-dir.js';

const SEED_YAML = resolve('examples/task_management.yaml');
const SEED_TS = resolve('examples/task_management.ts');
const WRONG_KEY = 'wrong-key-that-must-not-leak-7731';

describe('tributary run', () => {
  let api: TaskApi;
  let temp: { dir: string; cleanup: () => Promise<void> };
  let env: Record<string, string>;
  let config: string;

  beforeAll(async () => {
    api = await startTaskApi({ count: 345, seed: 3 });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    temp = await makeTempDir();
    api.configure({ bodyMode: 'json', faults: null });
    api.resetStats();
    env = { API_KEY: DEMO_API_KEY, TRIBUTARY_HOME: join(temp.dir, 'home') };
    const seed = await readFile(SEED_YAML, 'utf8');
    config = join(temp.dir, 'tasks.yaml');
    await writeFile(config, seed.replace('http://127.0.0.1:8000', api.url));
    return temp.cleanup;
  });

  const countLoads = (file: string) =>
    withDuckDb(file, async (query) => {
      const [row] = await query(
        'SELECT (SELECT count(*) FROM tasks_dataset._dlt_loads) AS loads, (SELECT count(*) FROM tasks_dataset.task_management) AS tasks',
      );
      return row;
    });

  it('runs the seed config as written and prints a summary', async () => {
    const result = await runCli(['run', config], { cwd: temp.dir, env });
    expect(result.stderr).toBe(result.stderr.replace(DEMO_API_KEY, ''));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/task_management\s+345/);
    expect(result.stdout).toMatch(/task_management__tags\s+\d+/);
    expect(result.stdout).toMatch(/4 requests, 0 retries/);
    expect(await countLoads(join(temp.dir, 'tasks.duckdb'))).toEqual({ loads: 1n, tasks: 345n });
    expect(result.stdout + result.stderr).not.toContain(DEMO_API_KEY);
  });

  it('runs the same config written in TypeScript with secrets.get', async () => {
    const result = await runCli(
      ['run', SEED_TS, '--pipeline-name', 'tasks', '--dataset-name', 'tasks_dataset'],
      {
        cwd: temp.dir,
        env: { ...env, TASK_API_URL: api.url },
      },
    );
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(await countLoads(join(temp.dir, 'tasks.duckdb'))).toEqual({ loads: 1n, tasks: 345n });
  });

  it('fails fast on a wrong key: exit 1, no retry, the key shown nowhere', async () => {
    const result = await runCli(['run', config], { cwd: temp.dir, env: { ...env, API_KEY: WRONG_KEY } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401 Unauthorized');
    expect(result.stderr).toContain('api_key=***');
    expect(result.stdout + result.stderr).not.toContain(WRONG_KEY);
    expect(api.stats.requests).toBe(1);
  });

  it('fails on an HTML page with status 200 and commits nothing', async () => {
    expect((await runCli(['run', config], { cwd: temp.dir, env })).code).toBe(0);
    api.configure({ bodyMode: 'html' });
    const result = await runCli(['run', config], { cwd: temp.dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/returned 200 with an HTML page where JSON was expected/);
    expect(await countLoads(join(temp.dir, 'tasks.duckdb'))).toEqual({ loads: 1n, tasks: 345n });
    const pending = await readdir(join(temp.dir, 'home/pipelines/tasks/load/normalized'));
    expect(pending).toEqual([]);
  });

  it('fails on a truncated JSON body with a clear error', async () => {
    api.configure({ bodyMode: 'truncated' });
    const result = await runCli(['run', config], { cwd: temp.dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not valid JSON/);
  });

  it('exits 2 for a config with a misspelled key, naming it by path', async () => {
    const bad = (await readFile(config, 'utf8')).replace('paginator:', 'paginatr:');
    await writeFile(config, bad);
    const result = await runCli(['run', config], { cwd: temp.dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('resources[0].endpoint.paginatr: unknown key');
    expect(result.stderr).not.toContain(DEMO_API_KEY);
  });

  it('exits 2 when the secret is missing and says where it looked', async () => {
    const { API_KEY: _, ...withoutKey } = env;
    const result = await runCli(['run', config], { cwd: temp.dir, env: withoutKey });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/secret "api_key" not found; looked in environment variable API_KEY/);
  });

  it('reads the secret from .dlt/secrets.toml so dlt users keep their file', async () => {
    const { API_KEY: _, ...withoutKey } = env;
    await import('node:fs/promises').then(async (fs) => {
      await fs.mkdir(join(temp.dir, '.dlt'));
      await fs.writeFile(join(temp.dir, '.dlt/secrets.toml'), `api_key = "${DEMO_API_KEY}"\n`);
    });
    const result = await runCli(['run', config], { cwd: temp.dir, env: withoutKey });
    expect(result.code).toBe(0);
  });

  it('prints the stored schema as YAML and as TypeScript types that compile', async () => {
    expect((await runCli(['run', config], { cwd: temp.dir, env })).code).toBe(0);
    const yaml = await runCli(['schema', config], { cwd: temp.dir, env });
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(
      /task_management:\n\s+name: task_management\n\s+columns:\n\s+id:\n\s+name: id\n\s+data_type: bigint\n\s+nullable: false/,
    );
    const ts = await runCli(['schema', 'tasks', '--format', 'ts'], { cwd: temp.dir, env });
    expect(ts.stdout).toContain(
      'export interface TaskManagement {\n  id: bigint;\n  name: string;\n  status: string | null;\n  created_at: Date | null;',
    );
    expect(ts.stdout).toContain('export interface TaskManagementSubtasks {');
    const file = join(temp.dir, 'tables.ts');
    await writeFile(file, `${ts.stdout}\nexport const row: TaskManagement = { id: 1n } as TaskManagement;\n`);
    const tsconfig = {
      compilerOptions: { strict: true, target: 'es2022', noEmit: true, types: [] },
      files: ['tables.ts'],
    };
    await writeFile(join(temp.dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', temp.dir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('keeps the working folder under --home when given', async () => {
    const home = join(temp.dir, 'elsewhere');
    const result = await runCli(['--home', home, 'run', config], { cwd: temp.dir, env });
    expect(result.code).toBe(0);
    expect(await readdir(join(home, 'pipelines/tasks/load/loaded'))).toHaveLength(1);
  });

  it('exits 2 for a bad command line', async () => {
    expect((await runCli(['run'], { cwd: temp.dir, env })).code).toBe(2);
    expect((await runCli(['run', config, '--destination', 'oracle'], { cwd: temp.dir, env })).code).toBe(2);
    expect((await runCli(['frobnicate'], { cwd: temp.dir, env })).code).toBe(2);
  });
});
