import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { restApiSource } from '../../src/config/rest-api-source.js';
import { DuckDbDestination } from '../../src/destinations/duckdb/duckdb-destination.js';
import { TributaryError } from '../../src/errors/tributary-error.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { makeTempDir } from '../support/temp-dir.js';
import { type DatasetSnapshot, snapshotDataset } from './dataset-snapshot.js';
import { type PageServer, startPageServer } from './page-server.js';
import { rawArrayElements } from './raw-json.js';

/**
 * Golden files: each case's records were loaded by real dlt 1.26 into DuckDB (see README.md), and
 * `expected.json` holds the tables dlt wrote. Tributary must write the same, except where a case
 * says `tributary_differs` and gives `expected_tributary`.
 */
const CASES_DIR = join(import.meta.dirname, 'cases');
const PIPELINE = 'golden';
const DATASET = 'golden_dataset';
const ROW_ID_COLUMNS = ['_dlt_id', '_dlt_parent_id', '_dlt_root_id'];

interface CaseInput {
  description: string;
  resource: { name: string } & Record<string, unknown>;
  /** The root records get random `_dlt_id`s (scalar records cannot bring one): ids are not compared. */
  random_ids?: boolean;
  /** Later loads still run after a failed one (the outcome's error is the first failure). */
  continue_after_error?: boolean;
  tributary_differs?: string;
}

interface ExpectedError {
  /** Index of the load that fails. */
  load: number;
  /** Tributary's error code (dlt's cases only record its message). */
  code?: string;
  message?: string;
}

interface Outcome {
  error?: ExpectedError;
  tables: DatasetSnapshot;
}

interface CaseExpected extends Outcome {
  dlt_error?: ExpectedError;
  expected_tributary?: Outcome;
}

interface GoldenCase {
  name: string;
  input: CaseInput;
  /** Each load's records as the case file writes them: key order and numbers as written. */
  pages: string[];
  expected: Outcome;
}

function readCase(name: string): GoldenCase {
  const inputText = readFileSync(join(CASES_DIR, name, 'input.json'), 'utf8');
  const input = JSON.parse(inputText) as CaseInput;
  const expected = JSON.parse(readFileSync(join(CASES_DIR, name, 'expected.json'), 'utf8')) as CaseExpected;
  if (input.tributary_differs !== undefined && expected.expected_tributary === undefined) {
    throw new Error(`case ${name} says tributary_differs but has no expected_tributary`);
  }
  const fromDlt: Outcome = {
    tables: expected.tables,
    ...(expected.dlt_error ? { error: { load: expected.dlt_error.load } } : {}),
  };
  return {
    name,
    input,
    pages: rawArrayElements(inputText, 'loads'),
    expected: expected.expected_tributary ?? fromDlt,
  };
}

/** Random row ids cannot match across two runs: blank them and compare rows as a sorted multiset. */
function withoutRowIds(tables: DatasetSnapshot): DatasetSnapshot {
  const out: DatasetSnapshot = {};
  for (const [name, table] of Object.entries(tables)) {
    if (table.rows === undefined) {
      out[name] = table;
      continue;
    }
    const rows = table.rows.map((row) => {
      const copy = { ...row };
      for (const column of ROW_ID_COLUMNS) if (column in copy) copy[column] = '<random>';
      return copy;
    });
    rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    out[name] = { ...table, rows };
  }
  return out;
}

const cases = readdirSync(CASES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => readCase(entry.name))
  .sort((a, b) => a.name.localeCompare(b.name));

// Each case has its own page path and DuckDB file, so cases run concurrently.
describe.concurrent('golden files: the tables dlt 1.26 writes to DuckDB', () => {
  let server: PageServer;
  beforeAll(async () => {
    server = await startPageServer();
  });
  afterAll(() => server.close());

  async function runCase(golden: GoldenCase): Promise<Outcome> {
    const { name, ...hints } = golden.input.resource;
    const path = `/${golden.name}`;
    const source = restApiSource({
      client: { base_url: server.url },
      resources: [
        {
          name,
          endpoint: { path, paginator: 'single_page', data_selector: '$' },
          ...hints,
        },
      ],
    });
    const temp = await makeTempDir('tributary-golden-');
    try {
      const file = join(temp.dir, `${PIPELINE}.duckdb`);
      let error: ExpectedError | undefined;
      for (const [load, page] of golden.pages.entries()) {
        server.serve(path, page);
        try {
          await runPipeline(source, {
            pipelineName: PIPELINE,
            destination: new DuckDbDestination(file),
            workingDir: join(temp.dir, 'work'),
          });
        } catch (cause) {
          if (!(cause instanceof TributaryError)) throw cause;
          error ??= { load, code: cause.code, message: cause.message };
          if (!golden.input.continue_after_error) break;
        }
      }
      const tables = existsSync(file) ? await snapshotDataset(file, DATASET) : {};
      return error ? { error, tables } : { tables };
    } finally {
      await temp.cleanup();
    }
  }

  it('has at least 25 cases', ({ expect }) => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const golden of cases) {
    it(`${golden.input.description} (${golden.name})`, async ({ expect }) => {
      const actual = await runCase(golden);
      const dumpDir = process.env.GOLDEN_DUMP_DIR;
      if (dumpDir) {
        mkdirSync(dumpDir, { recursive: true });
        writeFileSync(join(dumpDir, `${golden.name}.json`), `${JSON.stringify(actual, null, 2)}\n`);
      }
      const expected = golden.expected;
      if (expected.error) {
        expect(actual.error, 'the run should fail').toBeDefined();
        expect(actual.error?.load).toBe(expected.error.load);
        if (expected.error.code) expect(actual.error?.code).toBe(expected.error.code);
        if (expected.error.message) expect(actual.error?.message).toContain(expected.error.message);
      } else {
        expect(actual.error?.message).toBeUndefined();
      }
      const normalize = golden.input.random_ids ? withoutRowIds : (tables: DatasetSnapshot) => tables;
      expect(normalize(actual.tables)).toEqual(normalize(expected.tables));
    });
  }
});
