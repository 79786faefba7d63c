import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const KEY = 'dry-run-key-81c2e7a4';
const WRONG_KEY = 'dry-run-wrong-key-3d9f';
const PROJECTS = Array.from({ length: 5 }, (_, i) => ({
  id: i + 1,
  name: `project ${i + 1}`,
  budget: i % 2 === 0 ? 1.5 * (i + 1) : null,
  labels: ['a', 'b'],
}));

const CONFIG = `
client:
  base_url: BASE_URL
  auth: { type: api_key, name: api_key, api_key: "{secrets.api_key}", location: query }
resources:
  - name: projects
    primary_key: id
    endpoint:
      path: /projects
      data_selector: data
      paginator: { type: offset, limit: 2 }
  - name: tasks
    endpoint:
      path: /projects/{resources.projects.id}/tasks
`;

describe('tributary run --dry-run', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let api: RecordingServer;
  let config: string;
  const env = () => ({ TRIBUTARY_HOME: join(temp.dir, 'home'), API_KEY: KEY });

  beforeEach(async () => {
    temp = await makeTempDir('tributary-dry-run-');
    api = await startRecordingServer({
      'GET /projects': ({ query }) => {
        if (query.get('api_key') !== KEY) return { status: 401, body: { error: 'invalid api key' } };
        const offset = Number(query.get('offset'));
        return { body: { data: PROJECTS.slice(offset, offset + 2), total: PROJECTS.length } };
      },
      'GET /projects/:id/tasks': ({ params }) => ({
        body: {
          results: [{ id: 10, project: Number(params.id), done: false, due: '2024-05-01T10:00:00Z' }],
          next: `${api.url}/projects/${params.id}/tasks?page=2`,
        },
      }),
    });
    config = join(temp.dir, 'projects.yaml');
    await writeFile(config, CONFIG.replace('BASE_URL', api.url));
  });
  afterEach(async () => {
    await api.close();
    await temp.cleanup();
  });

  it('shows paginator, data selector, tables and columns from the first pages, and writes nothing', async () => {
    const result = await runCli(['run', config, '--dry-run'], { cwd: temp.dir, env: env() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('resource projects: ok');
    expect(out).toContain('paginator      offset (limit: 2) — configured; 3 pages in all');
    expect(out).toContain('data selector  data — configured');
    expect(out).toContain('first page     2 records');
    expect(out).toContain('resource tasks (child of projects): ok');
    expect(out).toMatch(/first request {2}GET http:\/\/127\.0\.0\.1:\d+\/projects\/1\/tasks\?api_key=\*\*\*/);
    expect(out).toContain('paginator      json_link (next_url_path "next") — detected');
    expect(out).toContain('data selector  results — detected');
    expect(out).toContain('note           fetched for the first projects record only');
    // Tables and columns as the normalizer and schema evolver infer them.
    expect(out).toContain('projects (2 rows from the first pages)');
    expect(out).toMatch(/\n {4}id +bigint +not null +primary_key\n/);
    expect(out).toMatch(/\n {4}budget +double +null\n/);
    expect(out).toContain('projects__labels (nested in projects, 4 rows from the first pages)');
    expect(out).toContain('tasks (1 rows from the first pages)');
    expect(out).toMatch(/\n {4}due +timestamp +null\n/);
    expect(out).toMatch(/\n {4}done +bool +null\n/);
    expect(out).toContain('all checks passed: 2 requests');

    // Only first pages: one of the parent, one child request for its first record.
    expect(api.requests.map((r) => r.path)).toEqual(['/projects', '/projects/1/tasks']);
    expect(new URLSearchParams(api.requests[0]?.query).get('offset')).toBe('0');
    // Nothing written: no DuckDB file, no working folder (not even the home folder).
    expect(existsSync(join(temp.dir, 'projects.duckdb'))).toBe(false);
    expect(existsSync(join(temp.dir, 'home'))).toBe(false);
    expect(out).not.toContain(KEY);
  });

  it('writes the findings as JSON with --report', async () => {
    const result = await runCli(['run', config, '--dry-run', '--report', 'dry.json'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(join(temp.dir, 'dry.json'), 'utf8'));
    expect(report).toMatchObject({ format: 'tributary.dry-run-report', version: 1, ok: true, requests: 2 });
    expect(report.resources[0]).toMatchObject({
      name: 'projects',
      paginator: { description: 'offset (limit: 2)', source: 'configured' },
      selector: { path: 'data', source: 'configured' },
      expectedPages: 3,
      records: 2,
    });
    const projects = report.tables.find((t: { name: string }) => t.name === 'projects');
    expect(projects.columns[0]).toEqual({
      name: 'id',
      dataType: 'bigint',
      nullable: false,
      hints: ['primary_key'],
    });
    expect(existsSync(join(temp.dir, 'projects.duckdb'))).toBe(false);
  });

  it('exits 1 with a clear message when the key is wrong, and shows the key nowhere', async () => {
    const result = await runCli(['run', config, '--dry-run'], {
      cwd: temp.dir,
      env: { ...env(), API_KEY: WRONG_KEY },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('resource projects: FAILED');
    expect(result.stdout).toContain('what to do     the API refused the credentials');
    expect(result.stdout).toContain('resource tasks (child of projects): skipped');
    expect(result.stderr).toMatch(
      /error: dry run: resource projects: GET http:\/\/127\.0\.0\.1:\d+\/projects\?.*api_key=\*\*\*.* failed: 401/,
    );
    expect(result.stdout + result.stderr).not.toContain(WRONG_KEY);
    expect(api.requests).toHaveLength(1);
    expect(existsSync(join(temp.dir, 'home'))).toBe(false);
  });

  it('exits 2 when a secret is missing, before any request', async () => {
    const result = await runCli(['run', config, '--dry-run'], {
      cwd: temp.dir,
      env: { TRIBUTARY_HOME: join(temp.dir, 'home') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/api_key/);
    expect(api.requests).toHaveLength(0);
  });
});
