import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTaskApi } from '../../examples/task-api/task-api-server.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { configYaml, DATASET, FAKE_KEY, readAll, snapshot } from './cassette-test-support.js';

describe('tributary run --record / --replay', () => {
  it('records through the CLI, replays offline without the key, and fails clearly on a changed config', async () => {
    const temp = await makeTempDir('tributary-cassette-cli-');
    const api = await startTaskApi({
      count: 45,
      seed: 8,
      apiKey: FAKE_KEY,
      faults: { rate: 0.2, seed: 2, kinds: ['503'] },
    });
    const config = join(temp.dir, 'tasks.yaml');
    const env = { TRIBUTARY_HOME: join(temp.dir, 'home') };
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      runCli(args, { cwd: temp.dir, env: { ...env, ...extra } });
    try {
      await writeFile(config, configYaml(api.url));
      const recorded = await cli(['run', config, '--record', 'cassette', '-q'], { API_KEY: FAKE_KEY });
      expect(recorded.stderr).toBe('');
      expect(recorded.code).toBe(0);
      expect(api.stats.byStatus['503'] ?? 0).toBeGreaterThan(0);
      await api.close();
      const index = JSON.parse(await readFile(join(temp.dir, 'cassette', 'cassette.json'), 'utf8'));
      expect(index.config).toBe('tasks.yaml');

      const replayed = await cli([
        'run',
        config,
        '--replay',
        'cassette',
        '-q',
        '--pipeline-name',
        'replayed',
        '--dataset-name',
        DATASET,
      ]);
      expect(replayed.stderr).toBe('');
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).toMatch(/task_details\s+45/);
      expect(await snapshot(join(temp.dir, 'replayed.duckdb'))).toEqual(
        await snapshot(join(temp.dir, 'tasks.duckdb')),
      );
      expect(await readAll(join(temp.dir, 'cassette'))).not.toContain(FAKE_KEY);

      await writeFile(config, configYaml(api.url, 15));
      const unmatched = await cli(['run', config, '--replay', 'cassette', '--pipeline-name', 'unmatched']);
      expect(unmatched.code).toBe(1);
      expect(unmatched.stderr).toContain(
        `GET ${api.url}/v1/tasks?offset=0&limit=15&api_key=*** has no recorded response`,
      );
      expect(unmatched.stderr).toContain(join(temp.dir, 'cassette'));

      const both = await cli(['run', config, '--record', 'x', '--replay', 'cassette']);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/cannot be used with/);
    } finally {
      await api.close();
      await temp.cleanup();
    }
  });
});
