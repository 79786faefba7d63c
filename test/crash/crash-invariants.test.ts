import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { makeTempDir } from '../support/temp-dir.js';
import { type CrashApi, startCrashApi } from './crash-api.js';
import { CrashDataset } from './crash-dataset.js';
import { dumpDatabase } from './crash-db-dump.js';
import { checkInvariants } from './crash-invariants.js';
import { CRASH_DATASET, CRASH_PIPELINE, crashSource } from './crash-source.js';

const T = `${CRASH_DATASET}`;

/**
 * The crash loop is only as good as its checks: each case damages a copy of a correct database the
 * way a broken loader would, and the checks must say so.
 */
describe('the crash loop invariants', () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let api: CrashApi;
  const dataset = new CrashDataset(5, 60, 40);
  const good = () => join(temp.dir, 'good.duckdb');

  beforeAll(async () => {
    temp = await makeTempDir('tributary-crash-checks-');
    api = await startCrashApi(dataset);
    const run = () =>
      runPipeline(crashSource(api.url), {
        pipelineName: CRASH_PIPELINE,
        destination: new DuckDbDestination(good()),
        workingDir: join(temp.dir, 'work'),
      });
    await run();
    dataset.mutate(1);
    await run();
  });
  afterAll(async () => {
    await api?.close();
    await temp?.cleanup();
  });

  /** The problems the checks find in a copy of the good database after `sql` ran on it. */
  async function problemsAfter(sql: string[]): Promise<string[]> {
    const file = join(temp.dir, `damaged-${Math.random().toString(36).slice(2)}.duckdb`);
    await copyFile(good(), file);
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    for (const statement of sql) await connection.run(statement);
    connection.closeSync();
    instance.closeSync();
    const reference = await dumpDatabase(good(), CRASH_DATASET);
    return checkInvariants(await dumpDatabase(file, CRASH_DATASET), { dataset, complete: true, reference });
  }

  it('find nothing wrong in a database two clean runs made', async () => {
    expect(await problemsAfter([])).toEqual([]);
  });

  const stateWith = (lastValue: string) =>
    deflateSync(
      JSON.stringify({
        sources: {
          rest_api: {
            resources: {
              tasks: { incremental: { updated_at: { last_value: lastValue, unique_hashes: [] } } },
            },
          },
        },
      }),
    ).toString('base64');

  it.each([
    {
      damage: 'a merge key loaded twice',
      sql: [`INSERT INTO ${T}.tasks SELECT * FROM ${T}.tasks WHERE id = 3`],
      found: /duplicate primary keys in tasks: 3/,
    },
    {
      damage: 'a child row lost',
      sql: [`DELETE FROM ${T}.tasks__tags WHERE _dlt_id = (SELECT min(_dlt_id) FROM ${T}.tasks__tags)`],
      found: /tasks tables vs the API's data: .* 1 missing/,
    },
    {
      damage: 'a child row of an old version kept by the merge',
      sql: [
        `INSERT INTO ${T}.tasks__tags SELECT 'stale', _dlt_root_id, _dlt_parent_id, 99, _dlt_id || 'x' FROM ${T}.tasks__tags LIMIT 1`,
      ],
      found: /tasks tables vs the reference: .* 1 unexpected/,
    },
    {
      damage: 'a value changed',
      sql: [`UPDATE ${T}.tasks SET title = 'wrong' WHERE id = 7`],
      found: /tasks tables vs the API's data/,
    },
    {
      damage: 'an orphaned nested row',
      sql: [
        `UPDATE ${T}.tasks__tags SET _dlt_parent_id = 'nobody' WHERE _dlt_id = (SELECT min(_dlt_id) FROM ${T}.tasks__tags)`,
      ],
      found: /orphan row in tasks__tags/,
    },
    {
      damage: 'half of an append load',
      sql: [
        `DELETE FROM ${T}.events WHERE id > 20 AND _dlt_load_id = (SELECT max(load_id) FROM ${T}._dlt_loads)`,
      ],
      found: /events rows of load [\d.]+: \d+ rows .* missing/,
    },
    {
      damage: 'rows of a load that never committed',
      sql: [`UPDATE ${T}.events SET _dlt_load_id = '9999999999.000001' WHERE id = 1`],
      found: /events has rows of loads not in _dlt_loads: 9999999999.000001/,
    },
    {
      damage: 'a committed load without its _dlt_loads row',
      sql: [`DELETE FROM ${T}._dlt_loads WHERE load_id = (SELECT max(load_id) FROM ${T}._dlt_loads)`],
      found: /rows of loads not in _dlt_loads/,
    },
    {
      damage: 'an append load counted twice',
      sql: [
        `INSERT INTO ${T}.events SELECT id, kind, amount, _dlt_load_id, _dlt_id || 'x' FROM ${T}.events WHERE _dlt_load_id = (SELECT max(load_id) FROM ${T}._dlt_loads)`,
      ],
      found: /events has \d+ rows, not 2 loads × 40/,
    },
    {
      damage: 'a cursor ahead of the committed rows',
      sql: [
        `INSERT INTO ${T}._dlt_pipeline_state SELECT version + 1, engine_version, pipeline_name, '${stateWith('2030-01-01T00:00:00Z')}', created_at, version_hash, _dlt_load_id, 'later' FROM ${T}._dlt_pipeline_state ORDER BY version DESC LIMIT 1`,
      ],
      found: /stored cursor 2030-01-01T00:00:00Z is past the newest committed updated_at/,
    },
  ])('report $damage', async ({ sql, found }) => {
    const problems = await problemsAfter(sql);
    expect(problems.join('\n')).toMatch(found);
  });
});
