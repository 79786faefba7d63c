import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Python virtual environment that holds dlt: `conformance/.venv` (git-ignored), created when
 * missing and reused while its stamp matches the requirements. Only PyPI is contacted, by pip.
 */
export interface PythonEnv {
  python: string;
  /** True when this run created or updated the environment. */
  installed: boolean;
}

const INSTALL_TIMEOUT_MS = 8 * 60_000;

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/**
 * `requirements` are pip requirement lines. DuckDB's Python package is pinned to the version of
 * the DuckDB inside `@duckdb/node-api`, so that one engine version writes and reads every file
 * (a newer DuckDB writes files an older one refuses to open).
 */
export async function ensurePythonEnv(dir: string, requirements: string[]): Promise<PythonEnv> {
  const python = join(dir, 'bin', 'python');
  const stampFile = join(dir, '.conformance-stamp');
  const stamp = `${requirements.join('\n')}\n`;
  if (existsSync(python) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    const check = await run(python, ['-c', 'import dlt, duckdb'], 60_000);
    if (check.code === 0) return { python, installed: false };
  }
  if (!existsSync(python)) {
    const base = process.env.CONFORMANCE_PYTHON ?? 'python3';
    const created = await run(base, ['-m', 'venv', '--clear', dir], 120_000);
    if (created.code !== 0) {
      throw new Error(
        `${base} -m venv ${dir} failed (set CONFORMANCE_PYTHON to a Python ≥ 3.9):\n${created.output}`,
      );
    }
  }
  const installed = await run(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...requirements],
    INSTALL_TIMEOUT_MS,
  );
  if (installed.code !== 0)
    throw new Error(`pip install ${requirements.join(' ')} failed:\n${installed.output}`);
  writeFileSync(stampFile, stamp);
  return { python, installed: true };
}
