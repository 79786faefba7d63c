import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import { defaultSecretSources } from '../config/secrets.js';
import { ConfigError, TributaryError } from '../errors/tributary-error.js';
import {
  API_KEY_LOCATIONS,
  type ApiKeyLocation,
  AUTH_CHOICES,
  type AuthChoice,
  defaultName,
  type InitAnswers,
  parseResourceSpec,
  scaffoldFromAnswers,
} from '../init/flag-config.js';
import { type Ask, askForMissing, missingFlags } from '../init/init-prompts.js';
import { scaffoldFromOpenApi } from '../init/openapi-config.js';
import { isObject, parseOpenApi } from '../init/openapi-document.js';
import { renderScaffold, type Scaffold } from '../init/scaffold.js';
import { validateScaffoldYaml } from '../init/scaffold-validation.js';
import { secretEnvNames, secretsTomlTemplate } from '../init/secrets-template.js';

interface InitFlags {
  openapi?: string;
  name?: string;
  baseUrl?: string;
  resource: string[];
  auth?: AuthChoice;
  apiKeyLocation?: ApiKeyLocation;
  apiKeyName?: string;
  paginator?: string;
  dataSelector?: string;
  primaryKey?: string;
  output?: string;
  force?: boolean;
}

/** Flags that describe the API by hand, which a spec replaces. */
const HAND_FLAGS = [
  'resource',
  'auth',
  'apiKeyLocation',
  'apiKeyName',
  'paginator',
  'dataSelector',
  'primaryKey',
] as const;
const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A file name from a title: `PokéAPI` → `pokeapi`. */
const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

function refuseExisting(file: string, force: boolean | undefined): void {
  if (existsSync(file) && !force) throw new ConfigError(`${file} exists: pass --force to overwrite it`);
}

async function fromOpenApi(flags: InitFlags): Promise<{ scaffold: Scaffold; name: string }> {
  const given = HAND_FLAGS.filter((key) =>
    key === 'resource' ? flags.resource.length > 0 : flags[key] !== undefined,
  );
  if (given.length > 0) {
    throw new ConfigError(`--openapi reads the API from the spec: drop ${given.map(flagName).join(', ')}`);
  }
  const file = resolve(flags.openapi as string);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`cannot read the OpenAPI document ${file}`);
  }
  const doc = parseOpenApi(text, file);
  const scaffold = scaffoldFromOpenApi(doc, {
    specName: basename(file),
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
  });
  const title = isObject(doc.info) && typeof doc.info.title === 'string' ? slug(doc.info.title) : '';
  return { scaffold, name: flags.name ?? (title || slug(basename(file, extname(file))) || 'api') };
}

/** Questions on the terminal; Ctrl+C or Ctrl+D ends init with nothing written. */
function terminalAsk(): { ask: Ask; close: () => void } {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  const cancelled = new AbortController();
  lines.on('SIGINT', () => cancelled.abort());
  lines.on('close', () => cancelled.abort());
  return {
    ask: async (question) => {
      try {
        return await lines.question(question, { signal: cancelled.signal });
      } catch {
        throw new TributaryError('INTERRUPTED', 'init cancelled: nothing was written');
      }
    },
    close: () => lines.close(),
  };
}

async function fromAnswers(flags: InitFlags): Promise<{ scaffold: Scaffold; name: string }> {
  const partial: Partial<InitAnswers> = {
    ...(flags.name ? { name: flags.name } : {}),
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.resource.length > 0 ? { resources: flags.resource.map(parseResourceSpec) } : {}),
    ...(flags.auth ? { auth: flags.auth } : {}),
    ...(flags.apiKeyLocation ? { apiKeyLocation: flags.apiKeyLocation } : {}),
    ...(flags.apiKeyName ? { apiKeyName: flags.apiKeyName } : {}),
    ...(flags.paginator ? { paginator: flags.paginator } : {}),
    ...(flags.dataSelector ? { dataSelector: flags.dataSelector } : {}),
    ...(flags.primaryKey ? { primaryKey: flags.primaryKey } : {}),
  };
  const missing = missingFlags(partial);
  let answers: InitAnswers;
  if (missing.length === 0) {
    const baseUrl = partial.baseUrl as string;
    answers = {
      auth: 'none',
      name: defaultName(baseUrl),
      ...partial,
      baseUrl,
      resources: partial.resources ?? [],
    };
  } else if (process.stdin.isTTY === true) {
    const terminal = terminalAsk();
    try {
      answers = await askForMissing(partial, terminal.ask);
    } finally {
      terminal.close();
    }
  } else {
    throw new ConfigError(
      `init needs ${missing.join(' and ')} (no terminal to ask on); or generate from a spec with --openapi FILE`,
    );
  }
  return { scaffold: scaffoldFromAnswers(answers), name: answers.name };
}

/** Writes the secrets template unless one is there: it may hold real secrets. */
async function writeSecretsTemplate(scaffold: Scaffold, configFile: string): Promise<string> {
  if (scaffold.secrets.length === 0) return 'No secrets needed (no auth).\n';
  const folder = join(defaultSecretSources().projectDir, '.tributary');
  const file = join(folder, 'secrets.toml');
  const shown = relative(process.cwd(), file) || file;
  const keys = scaffold.secrets.join(', ');
  if (existsSync(file)) return `Left ${shown} as it is: add ${keys} to it if missing.\n`;
  await mkdir(folder, { recursive: true });
  await writeFile(file, secretsTomlTemplate(scaffold.secrets, basename(configFile)), { mode: 0o600 });
  const ignore = join(folder, '.gitignore');
  if (!existsSync(ignore)) await writeFile(ignore, 'secrets.toml\n');
  return `Wrote ${shown}: a template for ${keys} (git-ignored).\n`;
}

async function initCommand(flags: InitFlags): Promise<void> {
  if (flags.output) refuseExisting(resolve(flags.output), flags.force);
  const { scaffold, name } = flags.openapi ? await fromOpenApi(flags) : await fromAnswers(flags);
  const output = resolve(flags.output ?? `${name}.yaml`);
  refuseExisting(output, flags.force);
  const text = renderScaffold(scaffold);
  let resourceCount: number;
  try {
    resourceCount = validateScaffoldYaml(text, scaffold.secrets).resources.length;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`the generated config would not be valid, so nothing was written: ${reason}`);
  }
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, text);
  const shown = relative(process.cwd(), output) || output;
  const secretsLine = await writeSecretsTemplate(scaffold, output);
  for (const warning of scaffold.warnings) process.stderr.write(`warning: ${warning}\n`);
  const env = secretEnvNames(scaffold.secrets);
  const steps = [
    `Read ${shown}; comments marked GUESSED are inferences to check.`,
    ...(env.length > 0
      ? [`Give the secrets: set ${env.join(', ')} in the environment, or fill in .tributary/secrets.toml.`]
      : []),
    `tributary run ${shown}    (loads into ${basename(output, extname(output))}.duckdb; --destination for others)`,
  ];
  process.stdout.write(
    `Wrote ${shown}: ${resourceCount} resource${resourceCount === 1 ? '' : 's'}, validated.\n${secretsLine}Next:\n${steps
      .map((step, i) => `  ${i + 1}. ${step}\n`)
      .join('')}`,
  );
}

/** `tributary init`: scaffolds a config from flags, from questions on a terminal, or from an OpenAPI 3 spec. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('scaffold a config: from flags, by questions on a terminal, or from an OpenAPI 3 document')
    .option('--openapi <spec>', 'generate from an OpenAPI 3 document (.json, .yaml)')
    .option('--name <name>', 'config and pipeline name (default: from the host or the spec title)')
    .option('--base-url <url>', "the API's base URL (with --openapi: replaces the spec's server)")
    .option(
      '--resource <name=path>',
      'a resource and its path (repeat for more)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .addOption(new Option('--auth <type>', 'auth type (default: none)').choices(AUTH_CHOICES))
    .addOption(new Option('--api-key-location <where>', 'where the API key goes').choices(API_KEY_LOCATIONS))
    .option('--api-key-name <name>', 'header or query parameter name of the API key')
    .option(
      '--paginator <spec>',
      'TYPE[,key=value…], e.g. offset,limit=100,total_path=total (default: detect)',
    )
    .option('--data-selector <jsonpath>', 'where the records are in a response, e.g. data (default: detect)')
    .option(
      '--primary-key <columns>',
      'primary key column(s), comma-separated (sets write_disposition: merge)',
    )
    .option('-o, --output <file>', 'config file to write (default: <name>.yaml)')
    .option('--force', 'overwrite the config file if it exists')
    .action(async (flags: InitFlags) => {
      await initCommand(flags);
    });
}
