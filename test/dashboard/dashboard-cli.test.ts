import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { type DemoPipeline, loadDemoPipeline } from './demo-pipeline.js';

const BIN = resolve('dist/src/cli/main.js');

describe('tributary dashboard', () => {
  let demo: DemoPipeline;

  beforeAll(async () => {
    demo = await loadDemoPipeline();
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  it('serves the only pipeline of the home folder on the URL it prints, until SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--home', demo.home, 'dashboard', '--port', '0'], {
      cwd: demo.dir,
      env: { PATH: process.env.PATH ?? '', HOME: demo.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL printed in 10 s\n${stdout}${stderr}`)), 10_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout);
          if (found) {
            clearTimeout(timer);
            done(found[0]);
          }
        });
        child.once('exit', () => fail(new Error(`tributary dashboard exited\n${stdout}${stderr}`)));
      });
      expect(stdout).toContain(
        'dashboard of pipeline task_management (dataset task_management_dataset in duckdb',
      );
      const get = (path: string) => fetch(new URL(path, url), { signal: AbortSignal.timeout(5_000) });
      const tables = (await (await get('/api/tables')).json()) as {
        tables: Array<{ name: string; rows: number }>;
      };
      expect(tables.tables.find((t) => t.name === 'task_management')?.rows).toBe(345);
      // The page and its modules, from the build: the web files and Preact, htm from node_modules.
      const page = await get('/');
      expect(await page.text()).toContain('<script type="importmap">');
      for (const path of [
        '/app.js',
        '/dashboard.css',
        '/vendor/preact.mjs',
        '/vendor/preact-hooks.mjs',
        '/vendor/htm.mjs',
      ]) {
        expect((await get(path)).status, path).toBe(200);
      }
    } finally {
      child.kill('SIGTERM');
    }
    const timeout = new Promise<string>((done) => setTimeout(() => done('still running after 5 s'), 5_000));
    expect(await Promise.race([exited, timeout])).toBe(0);
  });

  it('asks for a name when the home folder has several pipelines', async () => {
    await mkdir(join(demo.home, 'pipelines', 'another'), { recursive: true });
    const result = await runCli(['--home', demo.home, 'dashboard'], { cwd: demo.dir, timeoutMs: 10_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('2 pipelines in');
    expect(result.stderr).toContain('(another, task_management): name one');
  });

  it('says where it looked when the DuckDB file is not there', async () => {
    const result = await runCli(['--home', demo.home, 'dashboard', 'task_management'], {
      cwd: demo.home,
      timeoutMs: 10_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /pipeline task_management has no DuckDB database at .*task_management\.duckdb/,
    );
  });
});
