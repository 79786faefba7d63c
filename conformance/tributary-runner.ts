import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbDestination, loadConfigFile, runPipeline, TributaryError } from '../src/index.js';

export interface TributaryJob {
  /** The scenario's config, written to a JSON file as a user would paste it. */
  config: Record<string, unknown>;
  /** dlt's `rest_api_source` arguments: Tributary's `source` block. */
  source?: Record<string, unknown>;
  env: Record<string, string>;
  pipelineName: string;
  datasetName: string;
  duckdbFile: string;
  workingDir: string;
  /** Holds the config file; the project folder for `.tributary/secrets.toml` (none is written). */
  dir: string;
}

/**
 * One Tributary run, the way the README shows it: `loadConfigFile` on a JSON file (secrets from
 * the scenario's environment only), then `runPipeline` with `concurrency: 1`, as dlt requests.
 * Returns the error as text, or undefined when the run succeeded.
 */
export async function runTributary(job: TributaryJob, timeoutMs: number): Promise<string | undefined> {
  const file = join(job.dir, 'tributary-config.json');
  const document = job.source ? { ...job.config, source: job.source } : job.config;
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  try {
    const source = await loadConfigFile(file, { secrets: { env: job.env, projectDir: job.dir } });
    await runPipeline(source, {
      pipelineName: job.pipelineName,
      datasetName: job.datasetName,
      destination: new DuckDbDestination(job.duckdbFile),
      workingDir: job.workingDir,
      concurrency: 1,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return undefined;
  } catch (error) {
    if (error instanceof TributaryError) return `${error.code}: ${error.message.split('\n')[0]}`;
    return `${error instanceof Error ? error.name : 'Error'}: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`;
  }
}
