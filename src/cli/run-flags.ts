import { basename, extname } from 'node:path';
import { loadConfigFile } from '../config/load-config-file.js';
import { secretRegistry } from '../config/secret-registry.js';
import { dryRun } from '../pipeline/dry-run.js';
import { exitCodeFor, type RunReport, reportedError } from '../pipeline/run-report.js';
import { wasReported, writeReportFile, writeRunReport } from '../pipeline/run-report-file.js';
import { startTelemetry } from '../telemetry/otel-setup.js';
import { createDestination } from './create-destination.js';
import { formatDryRun } from './dry-run-format.js';
import { ProgressRenderer } from './progress-renderer.js';

/** The flags of `tributary run` that the operator features read. */
export interface OperatorFlags {
  pipelineName?: string;
  datasetName?: string;
  destination: string;
  quiet?: boolean;
  verbose?: boolean;
  /** `--report <file>`: the run report as JSON (docs/run-report.md). */
  report?: string;
  /** `--dry-run`: check the config against the API, write nothing. */
  dryRun?: boolean;
}

export const DRY_RUN_REPORT_FORMAT = 'tributary.dry-run-report';

const stderrLine = (text: string) => process.stderr.write(`${secretRegistry.redact(text)}\n`);
const pipelineNameOf = (configFile: string, flags: OperatorFlags) =>
  flags.pipelineName ?? basename(configFile, extname(configFile));

/** The report of a run that failed before the pipeline started (a config or destination error). */
function failedBeforeRun(
  configFile: string,
  flags: OperatorFlags,
  error: unknown,
  startedAt: Date,
): RunReport {
  const pipeline = pipelineNameOf(configFile, flags);
  return {
    pipeline,
    dataset: flags.datasetName ?? `${pipeline}_dataset`,
    destination: flags.destination,
    location: '',
    status: 'failed',
    exitCode: exitCodeFor(error) === 2 ? 2 : 1,
    loadId: undefined,
    loadIds: [],
    resources: [],
    rows: {},
    requests: 0,
    retries: 0,
    bytes: 0,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    timings: { steps: [], loadMs: 0 },
    errors: [reportedError(error)],
    warnings: [],
  };
}

/**
 * `tributary run --dry-run`: the dry run's findings on stdout, the JSON with `--report`; exit 1
 * when a resource's first page failed, with the reasons on stderr.
 */
async function dryRunCommand(configFile: string, flags: OperatorFlags): Promise<number> {
  const pipelineName = pipelineNameOf(configFile, flags);
  // Built for its capabilities only: the dry run never opens it.
  const destination = createDestination(flags.destination, pipelineName, process.env);
  const source = await loadConfigFile(configFile);
  const renderer = new ProgressRenderer(
    { write: (text) => process.stderr.write(secretRegistry.redact(text)), isTTY: false },
    { verbose: flags.verbose ?? false },
  );
  const report = await dryRun(source, {
    pipelineName,
    destination,
    ...(flags.datasetName ? { datasetName: flags.datasetName } : {}),
    runtime: { emit: flags.quiet ? () => {} : (event) => renderer.handle(event) },
  });
  process.stdout.write(secretRegistry.redact(formatDryRun(report)));
  if (flags.report) {
    const body = { format: DRY_RUN_REPORT_FORMAT, version: 1, ...report };
    await writeReportFile(flags.report, body, `the dry run itself ${report.ok ? 'passed' : 'failed'}`);
  }
  if (report.ok) return 0;
  for (const resource of report.resources) {
    if (resource.error) stderrLine(`error: dry run: resource ${resource.name}: ${resource.error.message}`);
  }
  return 1;
}

/**
 * Runs `tributary run` with the operator flags: `--dry-run` instead of the run; span export when
 * the OpenTelemetry variables ask for it (flushed before the command returns); and a `--report`
 * also for a run that failed before the pipeline could write one.
 */
export async function runWithOperatorFlags<F extends OperatorFlags>(
  configFile: string,
  flags: F,
  run: (configFile: string, flags: F) => Promise<number>,
): Promise<number> {
  if (flags.dryRun) return dryRunCommand(configFile, flags);
  const startedAt = new Date();
  const telemetry = await startTelemetry(process.env, (message) => stderrLine(`warning: ${message}`));
  try {
    return await run(configFile, flags);
  } catch (error) {
    if (flags.report && !wasReported(error)) {
      const report = failedBeforeRun(configFile, flags, error, startedAt);
      await writeRunReport(flags.report, report).catch((writeError: unknown) => {
        stderrLine(`warning: ${writeError instanceof Error ? writeError.message : String(writeError)}`);
      });
    }
    throw error;
  } finally {
    await telemetry?.shutdown();
  }
}
