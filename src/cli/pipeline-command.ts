import { existsSync } from 'node:fs';
import { Argument, type Command, Option } from 'commander';
import { secretRegistry } from '../config/secret-registry.js';
import type { Destination } from '../destinations/destination.js';
import { ConfigError } from '../errors/tributary-error.js';
import {
  dropPendingPackages,
  dropResources,
  type PipelineTarget,
  pipelineInfo,
  pipelineTrace,
  syncFromDestination,
} from '../pipeline/pipeline-commands.js';
import { pipelineWorkingDir } from '../pipeline/working-dir.js';
import { createDestination, DESTINATION_NAMES } from './create-destination.js';
import { formatDrop, formatDroppedPackages, formatInfo, formatSync, formatTrace } from './pipeline-format.js';

export const PIPELINE_COMMANDS = ['info', 'trace', 'drop', 'sync', 'drop-pending'] as const;
type PipelineCommandName = (typeof PIPELINE_COMMANDS)[number];

interface PipelineFlags {
  destination: string;
  datasetName?: string;
  json?: boolean;
  dropPending?: boolean;
}

const out = (text: string) => process.stdout.write(secretRegistry.redact(text));
const warn = (text: string) => process.stderr.write(secretRegistry.redact(`warning: ${text}\n`));
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** An embedded database file that is not there yet: reading it would create it, so it is not opened. */
function missingDatabase(flags: PipelineFlags, destination: Destination): boolean {
  return flags.destination === 'duckdb' && !existsSync(destination.location);
}

function requireDatabase(flags: PipelineFlags, destination: Destination, pipeline: string): void {
  if (missingDatabase(flags, destination)) {
    throw new ConfigError(
      `pipeline ${pipeline} has no DuckDB database at ${destination.location}: run the pipeline from this folder, or set DESTINATION__DUCKDB__CREDENTIALS to its file`,
    );
  }
}

async function runPipelineCommand(
  name: string,
  command: PipelineCommandName,
  args: string[],
  flags: PipelineFlags,
): Promise<void> {
  if (command !== 'drop' && args.length > 0) {
    throw new ConfigError(`pipeline ${command} takes no arguments (got ${args.join(' ')})`);
  }
  const workingDir = pipelineWorkingDir(name);
  const destination = createDestination(flags.destination, name, process.env);
  const target: PipelineTarget = {
    pipelineName: name,
    destination,
    workingDir,
    ...(flags.datasetName ? { datasetName: flags.datasetName } : {}),
  };
  switch (command) {
    case 'info': {
      const readDestination = !missingDatabase(flags, destination);
      if (!readDestination && !existsSync(workingDir)) {
        throw new ConfigError(
          `no pipeline ${name}: no working folder at ${workingDir} and no database at ${destination.location}`,
        );
      }
      const info = await pipelineInfo(target, { readDestination });
      out(flags.json ? json(info) : formatInfo(info));
      return;
    }
    case 'trace': {
      const trace = await pipelineTrace(target);
      if (trace === undefined) {
        throw new ConfigError(`pipeline ${name} has no trace in ${workingDir}: run it first`);
      }
      out(flags.json ? json(trace) : formatTrace(trace));
      return;
    }
    case 'drop': {
      if (args.length === 0) throw new ConfigError('pipeline drop needs the names of the resources to drop');
      requireDatabase(flags, destination, name);
      out(formatDrop(name, await dropResources(target, args)));
      return;
    }
    case 'sync': {
      requireDatabase(flags, destination, name);
      const result = await syncFromDestination(target, { dropPending: flags.dropPending === true });
      if (result.droppedPackages.length > 0) {
        warn(
          `dropped ${result.droppedPackages.length} pending package(s) that were never loaded: ${result.droppedPackages.map((p) => p.loadId).join(', ')}`,
        );
      }
      out(formatSync(name, result));
      return;
    }
    case 'drop-pending':
      out(formatDroppedPackages(name, await dropPendingPackages(workingDir, name)));
      return;
  }
}

/**
 * `tributary pipeline <name> <command>`, as dlt's `dlt pipeline <name> info|trace|drop|sync`:
 * inspect a pipeline, forget resources, restore the working folder from the destination, or
 * discard packages that cannot be loaded.
 */
export function registerPipelineCommand(program: Command): void {
  program
    .command('pipeline')
    .description('inspect or manage a pipeline: info, trace, drop <resource...>, sync, drop-pending')
    .argument('<name>', 'pipeline name')
    .addArgument(new Argument('<command>', 'what to do').choices(PIPELINE_COMMANDS))
    .argument('[resources...]', 'drop: the resources to forget')
    .addOption(
      new Option('--destination <name>', 'where the pipeline loads')
        .choices(DESTINATION_NAMES)
        .default('duckdb'),
    )
    .option(
      '--dataset-name <name>',
      'dataset name (default: the one in the local state, else <name>_dataset)',
    )
    .option('--json', 'info, trace: print machine-readable JSON')
    .option('--drop-pending', 'sync: discard pending packages instead of refusing')
    .addHelpText(
      'after',
      `
Commands:
  info                 working folder, pending packages, state and cursors, loads, tables with row counts
  trace                the last run: steps, resources, loads, warnings, retries, error
  drop <resource...>   forget resources: drop their tables and incremental state in one load
  sync                 replace the local state and schema with the destination's newest
  drop-pending         discard packages that were normalized but never loaded`,
    )
    .action(async (name: string, command: PipelineCommandName, args: string[], flags: PipelineFlags) => {
      await runPipelineCommand(name, command, args, flags);
    });
}
