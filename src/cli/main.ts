#!/usr/bin/env node
import { basename, extname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { configJsonSchema } from '../config/config-json-schema.js';
import { loadConfigFile } from '../config/load-config-file.js';
import { secretRegistry } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { createDestination, DESTINATION_NAMES } from './create-destination.js';
import { registerDashboardCommand } from './dashboard-command.js';
import { registerInitCommand } from './init-command.js';
import { registerPipelineCommand } from './pipeline-command.js';
import { ProgressRenderer } from './progress-renderer.js';
import { runWithOperatorFlags } from './run-flags.js';
import { schemaCommand } from './schema-command.js';
import { formatSummary } from './summary.js';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, runFailed: 1, usage: 2 } as const;

const CONFIG_CODES = new Set(['CONFIG_INVALID', 'SECRET_MISSING']);

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

interface RunFlags {
  concurrency?: number;
  pipelineName?: string;
  datasetName?: string;
  destination: string;
  quiet?: boolean;
  verbose?: boolean;
  record?: string;
  replay?: string;
  report?: string;
  dryRun?: boolean;
}

async function runCommand(configFile: string, flags: RunFlags): Promise<number> {
  const pipelineName = flags.pipelineName ?? basename(configFile, extname(configFile));
  const destination = createDestination(flags.destination, pipelineName, process.env);
  // Replay needs no credentials: a missing secret resolves to a placeholder (docs/record-replay.md).
  if (flags.replay) process.env.TRIBUTARY_SECRET_PLACEHOLDERS = '1';
  const source = await loadConfigFile(configFile);
  const renderer = new ProgressRenderer(
    {
      write: (text) => process.stderr.write(secretRegistry.redact(text)),
      isTTY: process.stderr.isTTY === true,
    },
    { verbose: flags.verbose ?? false },
  );
  const controller = new AbortController();
  process.once('SIGINT', () =>
    controller.abort(
      new TributaryError('INTERRUPTED', 'interrupted by SIGINT; nothing of this run was committed'),
    ),
  );
  const report = await runPipeline(source, {
    pipelineName,
    destination,
    signal: controller.signal,
    ...(flags.datasetName ? { datasetName: flags.datasetName } : {}),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.record ? { record: { dir: flags.record, configFile } } : {}),
    ...(flags.replay ? { replay: flags.replay } : {}),
    ...(flags.report ? { report: flags.report } : {}),
    runtime: { emit: flags.quiet ? () => {} : (event) => renderer.handle(event) },
  });
  process.stdout.write(secretRegistry.redact(formatSummary(report)));
  return EXIT.ok;
}

export function buildProgram(): Command {
  const program = new Command('tributary')
    .description('Sync REST APIs into databases from a dlt-compatible config')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .option(
      '--home <dir>',
      'where pipelines keep their working folders (default: TRIBUTARY_HOME or ~/.tributary)',
    )
    .hook('preAction', (command) => {
      const home = command.opts<{ home?: string }>().home;
      if (home) process.env.TRIBUTARY_HOME = resolve(home);
    });
  program
    .command('run')
    .description('run a rest_api_source config (YAML, JSON or TypeScript) into a destination')
    .argument('<config>', 'config file: .yaml, .yml, .json, .ts or .js')
    .option('--pipeline-name <name>', 'pipeline name (default: the config file base name)')
    .option('--dataset-name <name>', 'dataset (schema) name (default: <pipeline_name>_dataset)')
    .addOption(
      new Option('--destination <name>', 'where to load').choices(DESTINATION_NAMES).default('duckdb'),
    )
    .option('--concurrency <n>', 'requests at once per host (1: one at a time, as dlt)', (value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
      return n;
    })
    .option('-q, --quiet', 'no progress output, only the summary')
    .option('-v, --verbose', 'log every request')
    .addOption(
      new Option('--record <dir>', 'save every response as a cassette in <dir>, secrets scrubbed').conflicts(
        'replay',
      ),
    )
    .option(
      '--replay <dir>',
      'answer every request from the cassette in <dir>; no network, no secrets needed',
    )
    .option(
      '--report <file>',
      'write a JSON run report to <file> (docs/run-report.md), also when the run fails',
    )
    .option(
      '--dry-run',
      'check secrets, auth and the first page of every resource; show tables; write nothing',
    )
    .action(async (config: string, flags: RunFlags) => {
      process.exitCode = await runWithOperatorFlags(config, flags, runCommand);
    });
  program
    .command('schema')
    .description("print a pipeline's stored schema (tables, columns, types, hints)")
    .argument('<config-or-pipeline>', 'a config file (its pipeline) or a pipeline name')
    .option('--pipeline-name <name>', 'pipeline name when it is not the config file base name')
    .addOption(
      new Option('--format <format>', 'output format').choices(['yaml', 'json', 'ts']).default('yaml'),
    )
    .action(async (target: string, flags: { format: 'yaml' | 'json' | 'ts'; pipelineName?: string }) => {
      process.stdout.write(secretRegistry.redact(await schemaCommand(target, flags)));
    });
  registerPipelineCommand(program);
  registerInitCommand(program);
  registerDashboardCommand(program);
  program
    .command('config-schema')
    .description('print the JSON Schema of the config file (for editor completion in YAML and JSON)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const isConfig = error instanceof TributaryError && CONFIG_CODES.has(error.code);
    process.stderr.write(`${secretRegistry.redact(`error: ${describe(error)}`)}\n`);
    return isConfig ? EXIT.usage : EXIT.runFailed;
  }
}

/**
 * Node's own report of an uncaught error prints the message, the stack and every `cause` as they
 * are: a secret in any of them would reach the terminal. The CLI prints its one redacted line.
 */
function exitOnUncaught(error: unknown): void {
  process.stderr.write(`${secretRegistry.redact(`error: ${describe(error)}`)}\n`);
  process.exit(EXIT.runFailed);
}
process.on('uncaughtException', exitOnUncaught);
process.on('unhandledRejection', exitOnUncaught);

main(process.argv).then((code) => {
  process.exitCode = code;
});
