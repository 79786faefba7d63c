import type { BucketLocation, S3Credentials } from './filesystem-config.js';
import { LocalObjectStore } from './local-object-store.js';
import { openS3ObjectStore } from './s3-object-store.js';

/** An object as a listing shows it. */
export interface StoredObject {
  /** `/`-separated, relative to the store's root (`<dataset>/<table>/<file>`). */
  key: string;
  size: number;
}

/**
 * What the filesystem destination needs of a bucket: whole-object puts, gets, listings by prefix
 * and deletes. Every put is all-or-nothing for that one object (a temp name and a rename on a local
 * disk, a single PUT on S3); nothing spans objects, so the destination orders its writes instead.
 */
export interface ObjectStore {
  /** Where the objects live, safe to print: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /** Every object under `prefix` (a folder key ending in `/`), at any depth; none when it is missing. */
  list(prefix: string): Promise<StoredObject[]>;
  /**
   * Stores the file that `make(path)` writes at `path` under `key`. The object appears whole or
   * not at all: `path` is a temp name beside the target (local) or in a scratch folder (S3).
   */
  putFileFrom(key: string, make: (path: string) => Promise<void>): Promise<void>;
  putText(key: string, text: string): Promise<void>;
  /** The object's text, or undefined when there is no such object. */
  getText(key: string): Promise<string | undefined>;
  /** Runs `use` on a local file holding the object: the file itself (local) or a downloaded copy (S3). */
  withLocalCopy<T>(key: string, use: (path: string) => Promise<T>): Promise<T>;
  /** Deletes the objects; missing ones are no error. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The store for a bucket URL's location. */
export async function createObjectStore(
  location: BucketLocation,
  credentials: S3Credentials,
): Promise<ObjectStore> {
  switch (location.kind) {
    case 'local':
      return new LocalObjectStore(location.path);
    case 's3':
      return openS3ObjectStore(location, credentials);
    default: {
      const unknown: never = location;
      throw new Error(`unknown bucket location ${JSON.stringify(unknown)}`);
    }
  }
}
