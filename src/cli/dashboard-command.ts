import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { secretRegistry } from '../config/secret-registry.js';
import { defaultSecretSources } from '../config/secrets.js';
import { DEFAULT_DASHBOARD_PORT, startDashboard } from '../dashboard/dashboard-server.js';
import { DuckDbSqlReader } from '../dashboard/duckdb-sql-reader.js';
import { PostgresSqlReader } from '../dashboard/postgres-sql-reader.js';
import type { SqlReader } from '../dashboard/sql-reader.js';
import { postgresCredentialsFrom } from '../destinations/postgres/postgres-credentials.js';
import { ConfigError } from '../errors/tributary-error.js';
import { readLocalState } from '../load/pipeline-state.js';
import { datasetIdentifier } from '../pipeline/pipeline-session.js';
import { pipelineWorkingDir, tributaryHome } from '../pipeline/working-dir.js';
import { createDestination } from './create-destination.js';

const DASHBOARD_DESTINATIONS = ['duckdb', 'postgres'] as const;
type DashboardDestination = (typeof DASHBOARD_DESTINATIONS)[number];

interface DashboardFlags {
  port: number;
  destination: DashboardDestination;
  datasetName?: string;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port from 0 to 65535');
  return n;
}

/** The pipeline named, or the only one with a working folder. */
async function pickPipeline(name: string | undefined): Promise<string> {
  if (name !== undefined) return name;
  const dir = join(tributaryHome(), 'pipelines');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  if (names.length === 1 && names[0] !== undefined) return names[0];
  throw new ConfigError(
    names.length === 0
      ? `no pipelines in ${dir}: name one (tributary dashboard <pipeline>) or pass --home`
      : `${names.length} pipelines in ${dir} (${names.sort().join(', ')}): name one (tributary dashboard <pipeline>)`,
  );
}

function createReader(destination: DashboardDestination, location: string): SqlReader {
  switch (destination) {
    case 'duckdb':
      return new DuckDbSqlReader(location);
    case 'postgres':
      return new PostgresSqlReader(postgresCredentialsFrom(defaultSecretSources(process.env)));
  }
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function dashboardCommand(name: string | undefined, flags: DashboardFlags): Promise<void> {
  const pipelineName = await pickPipeline(name);
  const workingDir = pipelineWorkingDir(pipelineName);
  // The destination finds the DuckDB file (and names the dataset) exactly as `run` does.
  const destination = createDestination(flags.destination, pipelineName, process.env);
  if (flags.destination === 'duckdb' && !existsSync(destination.location)) {
    throw new ConfigError(
      `pipeline ${pipelineName} has no DuckDB database at ${destination.location}: start the dashboard from the folder the pipeline ran in, or set DESTINATION__DUCKDB__CREDENTIALS to its file`,
    );
  }
  const dataset = datasetIdentifier(
    pipelineName,
    flags.datasetName ?? (await readLocalState(workingDir))?.dataset_name,
    destination,
  );
  const reader = createReader(flags.destination, destination.location);
  const dashboard = await startDashboard({ pipelineName, workingDir, dataset, reader }, { port: flags.port });
  process.stdout.write(
    secretRegistry.redact(
      `dashboard of pipeline ${pipelineName} (dataset ${dataset} in ${reader.type} ${reader.location})\n${dashboard.url}\npress Ctrl-C to stop\n`,
    ),
  );
  await stopRequested();
  await dashboard.close();
}

/** `tributary dashboard [pipeline] [--port N]`: a read-only page of the pipeline on 127.0.0.1. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description("serve a local, read-only web page of a pipeline's loads, tables, schema, data and last run")
    .argument('[pipeline]', 'pipeline name (default: the only pipeline in the home folder)')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', parsePort, DEFAULT_DASHBOARD_PORT)
    .addOption(
      new Option('--destination <name>', 'where the pipeline loads')
        .choices(DASHBOARD_DESTINATIONS)
        .default('duckdb'),
    )
    .option(
      '--dataset-name <name>',
      'dataset name (default: the one in the local state, else <name>_dataset)',
    )
    .action(async (name: string | undefined, flags: DashboardFlags) => {
      await dashboardCommand(name, flags);
    });
}
