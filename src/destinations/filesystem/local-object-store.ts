import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ObjectStore, StoredObject } from './object-store.js';

/** A temp file this store is still writing: hidden and `.tmp`, so readers' globs pass it by. */
const isTempName = (name: string) => name.startsWith('.') && name.endsWith('.tmp');

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * A folder on a local disk as a bucket. Each object is written under a hidden temp name in its
 * target folder and renamed into place, so a reader (or a crash) never sees half a file.
 */
export class LocalObjectStore implements ObjectStore {
  readonly location: string;

  constructor(root: string) {
    this.location = root;
  }

  #path(key: string): string {
    const parts = key.split('/').filter((part) => part !== '');
    if (parts.some((part) => part === '..' || part === '.')) throw new Error(`invalid object key ${key}`);
    return join(this.location, ...parts);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) await walk(join(dir, entry.name), `${keyPrefix}${entry.name}/`);
        else if (entry.isFile() && !isTempName(entry.name)) {
          const size = (await stat(join(dir, entry.name)).catch(() => undefined))?.size;
          if (size !== undefined) out.push({ key: `${keyPrefix}${entry.name}`, size });
        }
      }
    };
    await walk(this.#path(prefix), prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async putFileFrom(key: string, make: (path: string) => Promise<void>): Promise<void> {
    const target = this.#path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await make(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  putText(key: string, text: string): Promise<void> {
    return this.putFileFrom(key, (path) => writeFile(path, text, 'utf8'));
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.#path(key), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  withLocalCopy<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    return use(this.#path(key));
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.#path(key), { force: true })));
  }

  async close(): Promise<void> {}
}
