import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../errors/tributary-error.js';
import { pipelineWorkingDir } from '../pipeline/working-dir.js';
import type { StoredSchema } from '../schema/schema-types.js';
import { schemaToTypeScript } from '../schema/typescript-types.js';

/** A config file stands for the pipeline named after it; anything else is a pipeline name. */
function pipelineNameOf(target: string, explicit: string | undefined): string {
  if (explicit) return explicit;
  return existsSync(target) ? basename(target, extname(target)) : target;
}

/**
 * `tributary schema <config or pipeline>`: the stored schema of a pipeline (what its last load
 * committed) as YAML, or TypeScript interfaces of its tables with `--format ts`.
 */
export async function schemaCommand(
  target: string,
  flags: { format: 'yaml' | 'json' | 'ts'; pipelineName?: string },
): Promise<string> {
  const pipeline = pipelineNameOf(target, flags.pipelineName);
  const dir = join(pipelineWorkingDir(pipeline), 'schemas');
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  if (files.length === 0) {
    throw new ConfigError(`pipeline "${pipeline}" has no stored schema in ${dir}: run it first`);
  }
  const schemas = await Promise.all(
    files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as StoredSchema),
  );
  switch (flags.format) {
    case 'ts':
      return schemas.map(schemaToTypeScript).join('\n');
    case 'json':
      return `${JSON.stringify(schemas.length === 1 ? schemas[0] : schemas, null, 2)}\n`;
    default:
      return schemas.map((schema) => stringify(schema)).join('---\n');
  }
}
