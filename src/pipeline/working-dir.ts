import { homedir } from 'node:os';
import { join } from 'node:path';

/** `TRIBUTARY_HOME` or `~/.tributary`: where pipelines keep their working folders. */
export function tributaryHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRIBUTARY_HOME ?? join(homedir(), '.tributary');
}

/** A pipeline's working folder: load packages, local state and schema. */
export function pipelineWorkingDir(pipelineName: string, home: string = tributaryHome()): string {
  return join(home, 'pipelines', pipelineName);
}
