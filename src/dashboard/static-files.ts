import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The page's files. They are plain ES modules kept in `src/dashboard/web` and served as they are
 * (no bundler): from the source tree next to this module, and from the build (`dist/src/dashboard`)
 * at `../../../src/dashboard/web`, which the package ships (package.json `files`).
 */
function webDir(): string {
  const candidates = [
    new URL('./web/', import.meta.url),
    new URL('../../../src/dashboard/web/', import.meta.url),
  ];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new Error(`the dashboard's web files are missing (looked in ${candidates.map(String).join(', ')})`);
}

const require = createRequire(import.meta.url);
/** A file next to a package's entry point (htm's exports name no ESM file for `require`). */
const besideEntry = (specifier: string, file: string) => join(dirname(require.resolve(specifier)), file);

/** Browser builds of Preact and htm, served from node_modules: the page works offline. */
const VENDOR: Record<string, () => string> = {
  '/vendor/preact.mjs': () => besideEntry('preact', 'preact.mjs'),
  '/vendor/preact-hooks.mjs': () => besideEntry('preact/hooks', 'hooks.mjs'),
  '/vendor/htm.mjs': () => besideEntry('htm', 'htm.mjs'),
};

/** Bare specifiers of the page's modules, for the import map in index.html. */
const IMPORT_MAP = JSON.stringify({
  imports: {
    preact: '/vendor/preact.mjs',
    'preact/hooks': '/vendor/preact-hooks.mjs',
    htm: '/vendor/htm.mjs',
  },
});

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticFile {
  body: Buffer | string;
  type: string;
}

/** The files the page may load, by URL path: a fixed list, so no path can reach outside it. */
export class StaticFiles {
  readonly #dir = webDir();
  readonly #files = new Map<string, string>();
  /** The Content-Security-Policy: scripts from this server and the one inline import map only. */
  readonly contentSecurityPolicy: string;

  private constructor(names: string[]) {
    for (const name of names) this.#files.set(`/${name}`, join(this.#dir, name));
    this.#files.set('/', join(this.#dir, 'index.html'));
    for (const [path, file] of Object.entries(VENDOR)) this.#files.set(path, file());
    const hash = createHash('sha256').update(IMPORT_MAP).digest('base64');
    this.contentSecurityPolicy = [
      "default-src 'self'",
      `script-src 'self' 'sha256-${hash}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
  }

  static async create(): Promise<StaticFiles> {
    const dir = webDir();
    const names = (await readdir(dir)).filter((name) => TYPES[extname(name)] !== undefined);
    return new StaticFiles(names);
  }

  async get(path: string): Promise<StaticFile | undefined> {
    const file = this.#files.get(path);
    if (file === undefined) return undefined;
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (file.endsWith('index.html')) {
      const html = await readFile(file, 'utf8');
      return {
        body: html.replace('<!-- import map -->', `<script type="importmap">${IMPORT_MAP}</script>`),
        type,
      };
    }
    return { body: await readFile(file), type };
  }
}
