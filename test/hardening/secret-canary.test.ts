import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDuckDb } from '../support/duckdb-reader.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/*
 * The secret canary (issue 9): a unique fake key goes in a header, the query string, basic auth, a
 * bearer token, an OAuth2 client secret (whose access token is a second canary), a path, a header
 * template and a JSON body, through runs that fail in every way we know and one that succeeds.
 * Afterwards no form of it may be found in any output, file or table.
 */

const hex = () => randomBytes(12).toString('hex');
const [KEY_A, KEY_B, TOKEN_A, LITERAL_A] = [hex(), hex(), hex(), hex()];
/** Obviously fake; the `+/ =~` middle makes its URL-encoded, form-encoded and base64 forms differ. */
const CANARY = `tributary_fake_CANARY_${KEY_A}+/ =~${KEY_B}`;
/** The access token the fake OAuth2 server hands out: learned at run time, never configured. */
const ACCESS_TOKEN = `tributary_fake_TOKEN_${TOKEN_A}`;
/** Written literally into configs (dlt accepts that; it must be masked all the same). */
const LITERAL = `tributary_fake_LITERAL_${LITERAL_A}`;
const USER = 'canary_user';

/** Every form a leak could take: each random part on its own covers raw, URL- and JSON-encoded text. */
const NEEDLES: Array<[string, string]> = [
  ['canary key (first half)', KEY_A],
  ['canary key (second half)', KEY_B],
  ['OAuth2 access token', TOKEN_A],
  ['literal config secret', LITERAL_A],
  ['basic auth header', Buffer.from(`${USER}:${CANARY}`).toString('base64')],
  ['canary in base64', Buffer.from(CANARY).toString('base64')],
  ['form-encoded canary', new URLSearchParams({ k: CANARY }).toString().slice(2)],
  ['URL-encoded canary', encodeURIComponent(CANARY)],
];

/** A cut secret is a leak too: every 10-character piece of each random part is looked for. */
const PIECES: Array<[string, string]> = [KEY_A, KEY_B, TOKEN_A, LITERAL_A].flatMap((part) =>
  Array.from({ length: part.length - 9 }, (_, i): [string, string] => [
    `a piece of ${part.slice(0, 4)}…`,
    part.slice(i, i + 10),
  ]),
);

function leaksIn(text: string): string[] {
  const lower = text.toLowerCase();
  const found = NEEDLES.filter(([, needle]) => lower.includes(needle.toLowerCase())).map(([what]) => what);
  const pieces = PIECES.filter(([, piece]) => lower.includes(piece)).map(([what]) => what);
  return found.length > 0 || pieces.length === 0 ? found : [...new Set(pieces)];
}

interface Reply {
  status: number;
  type?: string;
  body: unknown;
}

/** The fake API: every route checks the credential it expects, so the test knows each was sent. */
class CanaryApi {
  readonly sent = new Set<string>();
  readonly hung: Array<() => void> = [];
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => this.#route(req, res, body));
    });
    await new Promise<void>((done) => this.#server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((done) => this.#server?.close(done));
  }

  #route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const reply = this.#answer(req, body);
    if (reply === undefined) {
      // Never answers: the run is killed while it waits.
      this.hung.push(() => res.destroy());
      return;
    }
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }

  #answer(req: IncomingMessage, body: string): Reply | undefined {
    const url = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    const auth = req.headers.authorization ?? '';
    const check = (name: string, ok: boolean, records: unknown = [{ id: 1, via: name }]): Reply => {
      if (!ok) return { status: 401, body: { error: `wrong ${name} credential` } };
      this.sent.add(name);
      return { status: 200, body: records };
    };
    switch (path) {
      case '/oauth/token': {
        const form = new URLSearchParams(body);
        if (form.get('client_secret') !== CANARY) return { status: 401, body: { error: 'invalid_client' } };
        this.sent.add('oauth2 client secret');
        return { status: 200, body: { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 3600 } };
      }
      case '/ok/header':
        return check('api_key header', req.headers['x-api-key'] === CANARY);
      case '/ok/query':
        return check('api_key query', url.searchParams.get('api_key') === CANARY);
      case '/ok/basic':
        return check(
          'basic password',
          auth === `Basic ${Buffer.from(`${USER}:${CANARY}`).toString('base64')}`,
        );
      case '/ok/bearer':
        return check('bearer token', auth === `Bearer ${CANARY}`);
      case '/ok/oauth':
        return check('oauth2 access token', auth === `Bearer ${ACCESS_TOKEN}`);
      case '/ok/literal':
        return check('literal token', auth === `Bearer ${LITERAL}`);
      case `/ok/template/${CANARY}/items`:
        return check('path and header template', req.headers['x-signature'] === `sig ${CANARY}`);
      case '/ok/body':
        return check('json body', req.method === 'POST' && JSON.parse(body).api_token === CANARY);
      case '/echo':
        // A server that echoes what it got: in values, nested, in a key, and the runtime token.
        return check('echo', url.searchParams.get('api_key') === CANARY, [
          {
            id: 1,
            note: `your key is ${CANARY}`,
            api_key: CANARY,
            token: ACCESS_TOKEN,
            nested: { deep: [CANARY, { again: `Bearer ${CANARY}` }] },
            [`k_${CANARY}`]: 1,
          },
        ]);
      case '/fail/401':
        return { status: 401, body: { error: `invalid token ${CANARY}`, api_key: CANARY, seen: auth } };
      case '/fail/404':
        // Spaces first, so that the key straddles the bytes an error excerpt reads before it masks.
        return { status: 404, type: 'text/plain', body: `${' '.repeat(766)}${CANARY} no route ${req.url}` };
      case '/fail/500':
        return { status: 500, body: { detail: `upstream rejected ${CANARY}`, url: req.url } };
      case '/fail/html':
        return {
          status: 200,
          type: 'text/html',
          body: `<html><body>Maintenance. Your key: ${CANARY} <!-- ${auth} --></body></html>`,
        };
      case '/fail/garbled':
        return {
          status: 200,
          body: `{"data": [{"id": 1, "key": "${CANARY}" x "${req.headers['x-api-key']}"}]}`,
        };
      case '/hang':
        this.sent.add('hang');
        return undefined;
      default:
        return { status: 404, body: { error: `unknown route ${path}` } };
    }
  }
}

/** The resources that succeed, one per way the canary is sent; `tail` is what a scenario adds. */
function configYaml(api: string, tail: string[]): string {
  return [
    'client:',
    `  base_url: ${api}`,
    '  paginator: single_page',
    '  retry: { max_retries: 2, backoff_factor: 0.01, status_codes: [500] }',
    'resources:',
    '  - name: by_header',
    '    endpoint: { path: /ok/header, auth: { type: api_key, name: X-Api-Key, location: header } }',
    '  - name: by_query',
    '    endpoint: { path: /ok/query, auth: { type: api_key, name: api_key, location: query } }',
    '  - name: by_basic',
    `    endpoint: { path: /ok/basic, auth: { type: http_basic, username: ${USER}, password: "{secrets.canary_password}" } }`,
    '  - name: by_bearer',
    '    endpoint: { path: /ok/bearer, auth: bearer }',
    '  - name: by_oauth',
    '    endpoint:',
    '      path: /ok/oauth',
    `      auth: { type: oauth2_client_credentials, access_token_url: "${api}/oauth/token", client_id: canary_client, client_secret: "{secrets.canary_password}" }`,
    '  - name: by_literal',
    `    endpoint: { path: /ok/literal, auth: { type: bearer, token: "${LITERAL}" } }`,
    '  - name: by_template',
    '    endpoint:',
    '      path: "/ok/template/{secrets.canary_password}/items"',
    '      headers: { X-Signature: "sig {secrets.canary_password}" }',
    '  - name: by_body',
    '    endpoint: { path: /ok/body, method: POST, json: { api_token: "{secrets.canary_password}" } }',
    '  - name: echo',
    '    primary_key: id',
    '    write_disposition: merge',
    '    endpoint: { path: /echo, auth: { type: api_key, name: api_key, location: query } }',
    ...tail,
  ].join('\n');
}

const failing = (path: string, auth: string) => [
  '  - name: failing',
  `    endpoint: { path: ${path}, auth: ${auth} }`,
];
const QUERY_KEY = '{ type: api_key, name: api_key, location: query }';

/** Secrets as dlt users give them: dlt's credential variables and a `{secrets.x}` key. */
const SECRET_ENV = {
  SOURCES__REST_API__CREDENTIALS__API_KEY: CANARY,
  SOURCES__REST_API__CREDENTIALS__TOKEN: CANARY,
  CANARY_PASSWORD: CANARY,
};

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('secret canary', () => {
  const api = new CanaryApi();
  let temp: { dir: string; cleanup: () => Promise<void> };
  let work: string;
  let configs: string;
  let env: Record<string, string>;
  const outputs: Array<{ what: string; result: CliResult }> = [];

  const write = async (name: string, text: string) => {
    const file = join(configs, name);
    await writeFile(file, text);
    return file;
  };
  const cli = async (what: string, args: string[], expectedCode: number) => {
    const result = await runCli(args, { cwd: work, env, timeoutMs: 60_000 });
    outputs.push({ what, result });
    expect(result.code, `${what}: ${result.stderr}`).toBe(expectedCode);
    return result;
  };
  const run = (name: string, expectedCode: number) =>
    cli(
      `run ${name}`,
      ['run', join(configs, `${name}.yaml`), '--concurrency', '1', '--verbose'],
      expectedCode,
    );

  beforeAll(async () => {
    await api.start();
    temp = await makeTempDir('tributary-canary-');
    work = join(temp.dir, 'work');
    configs = join(temp.dir, 'configs');
    await mkdir(work);
    await mkdir(configs);
    env = { ...SECRET_ENV, TRIBUTARY_HOME: join(work, 'home') };

    await write('canary_ok.yaml', configYaml(api.url, []));
    await run('canary_ok', 0);
    await run('canary_ok', 0);
    for (const command of [
      ['pipeline', 'canary_ok', 'info'],
      ['pipeline', 'canary_ok', 'info', '--json'],
      ['pipeline', 'canary_ok', 'trace'],
      ['pipeline', 'canary_ok', 'trace', '--json'],
      ['schema', 'canary_ok'],
      ['schema', 'canary_ok', '--format', 'json'],
    ]) {
      await cli(command.join(' '), command, 0);
    }

    const scenarios: Array<[string, string[]]> = [
      ['canary_401', failing('/fail/401', 'bearer')],
      ['canary_404', failing('/fail/404', QUERY_KEY)],
      ['canary_500', failing('/fail/500', QUERY_KEY)],
      [
        'canary_html',
        failing(
          '/fail/html',
          `{ type: http_basic, username: ${USER}, password: "{secrets.canary_password}" }`,
        ),
      ],
      ['canary_garbled', failing('/fail/garbled', '{ type: api_key, name: X-Api-Key, location: header }')],
    ];
    for (const [name, tail] of scenarios) {
      await write(`${name}.yaml`, configYaml(api.url, tail));
      await run(name, 1);
      await cli(`${name} trace`, ['pipeline', name, 'trace'], 0);
    }

    // Invalid configs holding the secret reference and a literal secret: a misspelled key, an
    // unresolved YAML tag (yaml's warning quotes the line), and JSON broken right after the literal.
    await write(
      'canary_invalid.yaml',
      `${configYaml(api.url, ['    paginatr: single_page'])}\nnote: !!canary "${LITERAL}"\n`,
    );
    await run('canary_invalid', 2);
    await write(
      'canary_badjson.json',
      `{"client": {"base_url": "${api.url}", "auth": {"type": "bearer", "token": "${LITERAL}" x}}, "resources": ["a"]}`,
    );
    await cli('run canary_badjson', ['run', join(configs, 'canary_badjson.json')], 2);
    await write(
      'canary_badauth.json',
      JSON.stringify({
        client: { base_url: api.url, auth: { type: 'bearer', tokn: LITERAL } },
        resources: [{ name: 'a', endpoint: { path: '/ok/header', auth: LITERAL } }],
      }),
    );
    await cli('run canary_badauth', ['run', join(configs, 'canary_badauth.json')], 2);

    // A crash: SIGKILL while the last resource waits, after the echoed page went into the package.
    await write('canary_crash.yaml', configYaml(api.url, failing('/hang', QUERY_KEY)));
    const crash = spawn(
      process.execPath,
      [
        resolve('dist/src/cli/main.js'),
        'run',
        join(configs, 'canary_crash.yaml'),
        '--concurrency',
        '1',
        '-v',
      ],
      {
        cwd: work,
        env: { PATH: process.env.PATH ?? '', HOME: work, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let crashStdout = '';
    let crashStderr = '';
    crash.stdout.on('data', (chunk: Buffer) => {
      crashStdout += chunk.toString('utf8');
    });
    crash.stderr.on('data', (chunk: Buffer) => {
      crashStderr += chunk.toString('utf8');
    });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      crash.on('close', (_code, signal) => done(signal)),
    );
    // Killed once the last resource waits and the echoed page is on disk: its rows reach the package
    // file through a write stream, which may still hold them when the request for /hang goes out.
    const echoedOnDisk = async () => {
      const files = (await filesUnder(work)).filter((file) =>
        /canary_crash\/load\/new\/.+\.jsonl$/.test(file),
      );
      const rows = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
      return rows.some((text) => text.includes('"note":"your key is'));
    };
    for (let waited = 0; waited < 30_000; waited += 50) {
      if (api.sent.has('hang') && (await echoedOnDisk())) break;
      await new Promise((done) => setTimeout(done, 50));
    }
    crash.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    for (const release of api.hung) release();
    outputs.push({ what: 'killed run', result: { code: null, stdout: crashStdout, stderr: crashStderr } });
  }, 240_000);

  afterAll(async () => {
    await api.close();
    await temp?.cleanup();
  });

  it('sent the canary every way and had it echoed back (else the rest proves nothing)', () => {
    expect([...api.sent].sort()).toEqual(
      [
        'api_key header',
        'api_key query',
        'basic password',
        'bearer token',
        'echo',
        'hang',
        'json body',
        'literal token',
        'oauth2 access token',
        'oauth2 client secret',
        'path and header template',
      ].sort(),
    );
  });

  it('the failing runs failed for the planned reasons', () => {
    const stderrOf = (what: string) => outputs.find((o) => o.what === what)?.result.stderr ?? '';
    expect(stderrOf('run canary_401')).toMatch(/401 Unauthorized/);
    expect(stderrOf('run canary_404')).toMatch(/404 Not Found/);
    expect(stderrOf('run canary_404')).toContain('api_key=***');
    expect(stderrOf('run canary_500')).toMatch(/500 Internal Server Error after 3 attempts/);
    expect(stderrOf('run canary_html')).toMatch(/HTML page/);
    expect(stderrOf('run canary_garbled')).toMatch(/not valid JSON/);
    expect(stderrOf('run canary_invalid')).toMatch(/paginatr: unknown key/);
    expect(stderrOf('run canary_badjson')).toMatch(/is not valid JSON/);
    expect(stderrOf('run canary_badauth')).toMatch(/client\.auth/);
    expect(stderrOf('killed run')).toMatch(/GET .*\/hang/);
  });

  it('finds a planted canary in every form, so a clean result means something', async () => {
    const planted = await write(
      'planted.txt',
      `${CANARY}\n${encodeURIComponent(CANARY)}\n${ACCESS_TOKEN}\n${LITERAL}\n${NEEDLES.map(([, n]) => n).join('\n')}`,
    );
    expect(leaksIn((await readFile(planted)).toString('latin1'))).toEqual(NEEDLES.map(([what]) => what));
    expect(leaksIn(`Basic ${Buffer.from(`${USER}:${CANARY}`).toString('base64')}`)).toContain(
      'basic auth header',
    );
    expect(leaksIn(`k_${CANARY}`.toLowerCase())).toContain('canary key (first half)');
  });

  it('appears in no stdout or stderr', () => {
    expect(outputs.length).toBeGreaterThan(15);
    for (const { what, result } of outputs) {
      expect(leaksIn(result.stdout), `${what} stdout`).toEqual([]);
      expect(leaksIn(result.stderr), `${what} stderr: ${result.stderr}`).toEqual([]);
    }
  });

  it('appears in no file under the working folders or the pipelines home, nor in the database files', async () => {
    const files = await filesUnder(work);
    const names = files.map((file) => file.slice(work.length + 1));
    // What there is to look at: traces, states, schemas, loaded, pending and killed packages, databases.
    expect(names).toEqual(
      expect.arrayContaining([join('home/pipelines/canary_ok/trace.json'), 'canary_ok.duckdb']),
    );
    // The killed run left its half-written package, with the echoed record in it, masked.
    const killed = files.filter((file) => /canary_crash\/load\/new\/.+\.jsonl$/.test(file));
    const killedRows = (await Promise.all(killed.map((file) => readFile(file, 'utf8')))).join('');
    expect(killedRows).toContain('"note":"your key is ***"');
    expect(names.some((name) => /canary_ok\/load\/loaded\/.+\/schema\.json$/.test(name))).toBe(true);
    expect(names.some((name) => /canary_ok\/state\.json$/.test(name))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(leaksIn(bytes.toString('latin1')), file).toEqual([]);
      expect(leaksIn(bytes.toString('utf16le')), file).toEqual([]);
    }
  });

  it('appears in no table: every column of every table, and the compressed pipeline state', async () => {
    const values = await withDuckDb(join(work, 'canary_ok.duckdb'), async (query) => {
      const columns = await query(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema NOT IN ('information_schema', 'pg_catalog')",
      );
      const texts: string[] = [];
      for (const { table_schema, table_name, column_name } of columns) {
        const rows = await query(
          `SELECT CAST("${column_name}" AS VARCHAR) AS v FROM "${table_schema}"."${table_name}"`,
        );
        for (const { v } of rows) if (typeof v === 'string') texts.push(v);
      }
      const states = await query('SELECT state FROM canary_ok_dataset._dlt_pipeline_state');
      for (const { state } of states)
        texts.push(inflateSync(Buffer.from(String(state), 'base64')).toString('utf8'));
      const echoed = await query('SELECT note, api_key, token FROM canary_ok_dataset.echo');
      return { texts, states: states.length, echoed };
    });
    expect(values.states).toBeGreaterThan(0);
    expect(values.texts.length).toBeGreaterThan(50);
    // The echoed record is loaded, its secrets masked.
    expect(values.echoed).toEqual([{ note: 'your key is ***', api_key: '***', token: '***' }]);
    for (const text of values.texts) expect(leaksIn(text), text).toEqual([]);
  });
});
