import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultName, parsePaginatorSpec, parseResourceSpec, scaffoldFromAnswers } from './flag-config.js';
import { askForMissing, missingFlags } from './init-prompts.js';
import { renderScaffold } from './scaffold.js';
import { validateScaffoldYaml } from './scaffold-validation.js';
import { secretsTomlTemplate } from './secrets-template.js';

describe('init flags', () => {
  it('reads NAME=PATH resources; a bare name is its own path', () => {
    expect(parseResourceSpec('tasks=/v1/tasks')).toEqual({ name: 'tasks', path: '/v1/tasks' });
    expect(parseResourceSpec('users')).toEqual({ name: 'users', path: 'users' });
    expect(() => parseResourceSpec('=/x')).toThrow(/NAME=PATH/);
  });

  it('reads a paginator as TYPE,key=value and stops offset paging at an empty page by default', () => {
    expect(parsePaginatorSpec('offset')).toEqual({ type: 'offset', limit: 100, total_path: null });
    expect(parsePaginatorSpec('page_number,page_param=p,total_path=meta.pages')).toEqual({
      type: 'page_number',
      page_param: 'p',
      total_path: 'meta.pages',
      base_page: 1,
    });
    expect(parsePaginatorSpec('json_link,next_url_path=links.next')).toEqual({
      type: 'json_link',
      next_url_path: 'links.next',
    });
    expect(() => parsePaginatorSpec('pages')).toThrow(/the type is one of/);
  });

  it('names the config from the host', () => {
    expect(defaultName('https://api.github.com')).toBe('github');
    expect(defaultName('http://127.0.0.1:8000')).toBe('api');
  });

  it('scaffolds a valid config with the key as a secret reference and the defaults shared', () => {
    const scaffold = scaffoldFromAnswers({
      name: 'tasks',
      baseUrl: 'http://127.0.0.1:8000',
      resources: [{ name: 'task_management', path: '/v1/tasks' }],
      auth: 'api_key',
      apiKeyLocation: 'query',
      apiKeyName: 'api_key',
      paginator: 'offset,limit=100,total_path=total',
      dataSelector: 'data',
      primaryKey: 'id',
    });
    const text = renderScaffold(scaffold);
    expect(parseYaml(text)).toEqual({
      client: {
        base_url: 'http://127.0.0.1:8000',
        auth: { type: 'api_key', name: 'api_key', api_key: '{secrets.api_key}', location: 'query' },
      },
      resource_defaults: {
        endpoint: { paginator: { type: 'offset', limit: 100, total_path: 'total' }, data_selector: 'data' },
        primary_key: 'id',
        write_disposition: 'merge',
      },
      resources: [{ name: 'task_management', endpoint: { path: '/v1/tasks' } }],
    });
    expect(scaffold.secrets).toEqual(['api_key']);
    expect(validateScaffoldYaml(text, scaffold.secrets).resources[0]?.primaryKey).toEqual(['id']);
  });

  it('leaves paginator and data selector to detection when not given, and says so', () => {
    const scaffold = scaffoldFromAnswers({
      name: 'x',
      baseUrl: 'https://api.example.com',
      resources: [{ name: 'a', path: 'a' }],
      auth: 'bearer',
    });
    expect(scaffold.config).toEqual({
      client: { base_url: 'https://api.example.com', auth: { type: 'bearer', token: '{secrets.api_token}' } },
      resources: [{ name: 'a', endpoint: { path: 'a' } }],
    });
    expect(renderScaffold(scaffold)).toContain('detected from the first response');
  });

  it('writes a secrets template with every key commented out and the env names', () => {
    const toml = secretsTomlTemplate(['api_username', 'api_password', 'sources.x.token'], 'x.yaml');
    expect(toml).toContain('API_USERNAME, API_PASSWORD, SOURCES__X__TOKEN');
    expect(toml).toContain('# api_username = ""\n# api_password = ""\n\n[sources.x]\n# token = ""\n');
  });
});

describe('init prompts', () => {
  const scripted = (answers: string[]) => {
    const questions: string[] = [];
    return {
      questions,
      ask: async (question: string) => {
        questions.push(question);
        return answers.shift() ?? '';
      },
    };
  };

  it('lists the flags it cannot do without', () => {
    expect(missingFlags({})).toEqual(['--base-url URL', '--resource NAME=PATH']);
    expect(missingFlags({ baseUrl: 'https://a', resources: [{ name: 'a', path: 'a' }] })).toEqual([]);
  });

  it('asks only what no flag gave, accepting defaults on Enter', async () => {
    const terminal = scripted([
      '',
      'tasks=/v1/tasks, users=/v1/users',
      'api_key',
      'query',
      '',
      '',
      'data',
      'id',
    ]);
    const answers = await askForMissing({ baseUrl: 'https://api.example.com' }, terminal.ask);
    expect(terminal.questions[0]).toMatch(/^Name of the config and pipeline \[example\]/);
    expect(answers).toEqual({
      name: 'example',
      baseUrl: 'https://api.example.com',
      resources: [
        { name: 'tasks', path: '/v1/tasks' },
        { name: 'users', path: '/v1/users' },
      ],
      auth: 'api_key',
      apiKeyLocation: 'query',
      apiKeyName: 'api_key',
      dataSelector: 'data',
      primaryKey: 'id',
    });
  });

  it('asks again after an answer it cannot use, saying why', async () => {
    const terminal = scripted(['not a url', 'https://a.example.com', 'n', 'r', 'oauth', 'none', '', '', '']);
    const answers = await askForMissing({}, terminal.ask);
    expect(answers.baseUrl).toBe('https://a.example.com');
    expect(answers.auth).toBe('none');
    expect(terminal.questions[1]).toMatch(/^ {2}a full http:\/\/ or https:\/\/ URL\nBase URL/);
    expect(terminal.questions.some((q) => q.startsWith('  answer one of none, api_key'))).toBe(true);
  });
});
