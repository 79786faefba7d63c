import { createReadStream } from 'node:fs';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { secretRegistry } from '../../config/secret-registry.js';
import { ConfigError, TributaryError } from '../../errors/tributary-error.js';
import { type LoadPackage, tableFilePaths } from '../../load/load-package.js';
import type { PipelineState } from '../../load/pipeline-state.js';
import type { StoredSchema } from '../../schema/schema-types.js';
import { nestedOf, rootOf } from '../../schema/table-tree.js';
import type { DatasetFacts, Destination, DestinationCapabilities, LoadResult } from '../destination.js';
import { quoteLiteral } from '../sql/sql-identifiers.js';
import {
  type BucketLocation,
  type FilesystemOptions,
  filesystemOptionsFromEnv,
  type LoaderFileFormat,
  parseBucketUrl,
  type S3Credentials,
} from './filesystem-config.js';
import {
  compareLoadIds,
  dataFileKey,
  initKey,
  isFileOfLoad,
  LOADS_FOLDER,
  loadsFileKey,
  parseSystemFileName,
  STATE_FOLDER,
  type SystemFileName,
  stateFileKey,
  tableFolder,
  VERSION_FOLDER,
  versionFileKey,
} from './filesystem-layout.js';
import { createObjectStore, type ObjectStore } from './object-store.js';
import {
  decodeStateDoc,
  type LoadsDoc,
  loadsDoc,
  parseDoc,
  type StateDoc,
  stateDoc,
  toLine,
  type VersionDoc,
  versionDoc,
} from './system-files.js';
import { writeTableFile } from './table-file-writer.js';

const CAPABILITIES: DestinationCapabilities = {
  maxIdentifierLength: 65536,
  supportsMerge: false,
  transactional: false,
};

/** Destinations that apply `merge`, named in the refusal. */
const MERGE_DESTINATIONS = 'duckdb, postgres';

const newestFirst = (a: SystemFileName, b: SystemFileName) => compareLoadIds(b.loadId, a.loadId);

async function countLines(path: string): Promise<number> {
  let count = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 10) count++;
    last = chunk.at(-1) ?? last;
  }
  // dlt writes system files as one JSON document without a newline.
  return last === 10 ? count : count + 1;
}

/**
 * Files in a local folder or an S3 bucket, laid out as dlt's filesystem destination lays them out
 * (see `filesystem-layout.ts`), as Parquet (written by DuckDB) or JSON lines. There is no
 * transaction: a load writes its data files, applies replace and drop by deleting older files,
 * then the schema version, the state, and last the `_dlt_loads` file that makes the load count.
 * A load that stopped half-way is finished by loading its package again: file names are fixed per
 * load and table, so files are rewritten, not duplicated. `merge` is refused.
 *
 * @example
 * const destination = new FilesystemDestination({ bucketUrl: 's3://lake/raw', loaderFileFormat: 'parquet' });
 */
export class FilesystemDestination implements Destination {
  readonly type = 'filesystem';
  readonly capabilities = CAPABILITIES;
  readonly location: string;
  readonly format: LoaderFileFormat;
  readonly #bucket: BucketLocation;
  readonly #credentials: S3Credentials;
  readonly #maxStateFiles: number;
  readonly #onWrite: ((operation: 'put' | 'delete', keys: readonly string[]) => void) | undefined;
  #store: ObjectStore | undefined;
  #instance: DuckDBInstance | undefined;
  #connection: DuckDBConnection | undefined;

  /**
   * @param options.onWrite called before each put or delete of a load: tests record the order of
   *   writes and throw from it to stop a load at a chosen point (not a public API).
   */
  constructor(
    options: FilesystemOptions,
    hooks: { onWrite?: (operation: 'put' | 'delete', keys: readonly string[]) => void } = {},
  ) {
    this.#onWrite = hooks.onWrite;
    this.#bucket = parseBucketUrl(options.bucketUrl);
    this.#credentials = options.credentials ?? {};
    secretRegistry.add(this.#credentials.awsSecretAccessKey);
    secretRegistry.add(this.#credentials.awsSessionToken);
    this.format = options.loaderFileFormat ?? 'parquet';
    this.#maxStateFiles = options.maxStateFiles ?? 100;
    const { kind } = this.#bucket;
    this.location =
      kind === 'local'
        ? this.#bucket.path
        : `s3://${this.#bucket.bucket}${this.#bucket.prefix ? `/${this.#bucket.prefix}` : ''}`;
  }

  /** The destination as dlt's variables configure it (`DESTINATION__FILESYSTEM__BUCKET_URL`, …). */
  static fromEnv(env: NodeJS.ProcessEnv): FilesystemDestination {
    return new FilesystemDestination(filesystemOptionsFromEnv(env));
  }

  async open(): Promise<void> {
    this.#store = await createObjectStore(this.#bucket, this.#credentials);
    this.#instance = await DuckDBInstance.create(':memory:');
    this.#connection = await this.#instance.connect();
    await this.#connection.run("SET TimeZone = 'UTC'");
  }

  get #files(): ObjectStore {
    if (this.#store === undefined) throw new Error('filesystem destination is not open');
    return this.#store;
  }

  get #db(): DuckDBConnection {
    if (this.#connection === undefined) throw new Error('filesystem destination is not open');
    return this.#connection;
  }

  async #systemFiles(dataset: string, folder: string, withHash: boolean): Promise<SystemFileName[]> {
    const objects = await this.#files.list(tableFolder(dataset, folder));
    return objects
      .map((o) => parseSystemFileName(o.key, withHash))
      .filter((f): f is SystemFileName => f !== undefined);
  }

  async #completedLoads(dataset: string): Promise<Set<string>> {
    return new Set((await this.#systemFiles(dataset, LOADS_FOLDER, false)).map((f) => f.loadId));
  }

  async storedSchema(dataset: string, schemaName: string): Promise<StoredSchema | undefined> {
    const files = await this.#systemFiles(dataset, VERSION_FOLDER, true);
    const newest = files.filter((f) => f.name === schemaName).sort(newestFirst)[0];
    const text = newest && (await this.#files.getText(newest.key));
    return text ? (JSON.parse(parseDoc<VersionDoc>(text).schema) as StoredSchema) : undefined;
  }

  /** The state of the newest completed load (one with a `_dlt_loads` file), as the SQL destinations join. */
  async storedState(dataset: string, pipelineName: string): Promise<PipelineState | undefined> {
    const completed = await this.#completedLoads(dataset);
    const files = await this.#systemFiles(dataset, STATE_FOLDER, true);
    const newest = files
      .filter((f) => f.name === pipelineName && completed.has(f.loadId))
      .sort(newestFirst)[0];
    const text = newest && (await this.#files.getText(newest.key));
    return text ? decodeStateDoc(parseDoc<StateDoc>(text)) : undefined;
  }

  async isLoaded(dataset: string, loadId: string): Promise<boolean> {
    return (await this.#completedLoads(dataset)).has(loadId);
  }

  /** Refused before anything is written: files cannot be updated in place. */
  #refuseMerge(pkg: LoadPackage): void {
    const { schema, manifest } = pkg;
    const roots = new Set([
      ...manifest.rootTables,
      ...manifest.tables.map((t) => rootOf(schema, t.name)?.name),
    ]);
    const merged = [...roots].filter((name) => name && schema.tables[name]?.write_disposition === 'merge');
    if (merged.length === 0) return;
    throw new ConfigError(
      `table(s) ${merged.join(', ')} have write_disposition merge, which the filesystem destination does not support (files are never updated in place); use append or replace, or load into a destination that merges: ${MERGE_DESTINATIONS}`,
    );
  }

  async load(pkg: LoadPackage, dataset: string): Promise<LoadResult> {
    this.#refuseMerge(pkg);
    const { schema, manifest } = pkg;
    const files = this.#files;
    const now = new Date();
    const rows: Record<string, number> = {};
    try {
      if ((await files.getText(initKey(dataset))) === undefined) await this.#putText(initKey(dataset), '');
      // 1. Data: one file per table, under a temp name (local) or uploaded whole (S3).
      for (const entry of manifest.tables) {
        const table = schema.tables[entry.name];
        if (table === undefined || rootOf(schema, entry.name)?.write_disposition === 'skip') continue;
        const key = dataFileKey(dataset, entry.name, manifest.loadId, this.format);
        this.#onWrite?.('put', [key]);
        await files.putFileFrom(key, (path) =>
          writeTableFile(this.#db, tableFilePaths(pkg.dir, entry), table, path, this.format),
        );
        rows[entry.name] = entry.rows;
      }
      // 2. Drops and replaces delete older files only now that the new ones are in place.
      for (const table of manifest.dropTables ?? []) await this.#deleteFiles(dataset, table, () => true);
      for (const root of manifest.rootTables) {
        if (schema.tables[root]?.write_disposition !== 'replace') continue;
        for (const table of [root, ...nestedOf(schema, root)]) {
          await this.#deleteFiles(dataset, table, (key) => !isFileOfLoad(key, manifest.loadId));
        }
      }
      // 3. Schema version, state, and last the `_dlt_loads` file: the load counts from here on.
      await this.#storeSchema(dataset, schema, manifest.loadId, now);
      if (manifest.state !== undefined) {
        await this.#putText(
          stateFileKey(dataset, manifest.state.pipeline_name, manifest.loadId, schema.version_hash),
          toLine(stateDoc(manifest.state, manifest.loadId, now)),
        );
        await this.#pruneStates(dataset, manifest.state.pipeline_name);
      }
      await this.#putText(
        loadsFileKey(dataset, manifest.schemaName, manifest.loadId),
        toLine(loadsDoc(manifest.loadId, schema, manifest.schemaName, now)),
      );
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
      throw new TributaryError(
        'DESTINATION',
        `loading package ${manifest.loadId} into ${this.location} failed: ${reason}`,
        { retryable: cause instanceof TributaryError && cause.retryable, cause },
      );
    }
    return { rows };
  }

  #putText(key: string, text: string): Promise<void> {
    this.#onWrite?.('put', [key]);
    return this.#files.putText(key, text);
  }

  async #delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.#onWrite?.('delete', keys);
    await this.#files.delete(keys);
  }

  async #deleteFiles(dataset: string, table: string, which: (key: string) => boolean): Promise<void> {
    await this.#delete((await this.#files.list(tableFolder(dataset, table))).map((o) => o.key).filter(which));
  }

  /** Stores the schema unless a file of the same hash and version exists (keyed as the SQL destinations). */
  async #storeSchema(dataset: string, schema: StoredSchema, loadId: string, now: Date): Promise<void> {
    const key = versionFileKey(dataset, schema.name, loadId, schema.version_hash);
    const hash = parseSystemFileName(key, true)?.hash;
    const same = (await this.#systemFiles(dataset, VERSION_FOLDER, true)).filter(
      (f) => f.name === schema.name && f.hash === hash,
    );
    for (const file of same) {
      const text = await this.#files.getText(file.key);
      if (text !== undefined && parseDoc<VersionDoc>(text).version === schema.version) return;
    }
    await this.#putText(key, toLine(versionDoc(schema, now)));
  }

  /** Keeps the newest `maxStateFiles` state files of the pipeline (dlt's `max_state_files`). */
  async #pruneStates(dataset: string, pipelineName: string): Promise<void> {
    if (this.#maxStateFiles < 1) return;
    const files = (await this.#systemFiles(dataset, STATE_FOLDER, true))
      .filter((f) => f.name === pipelineName)
      .sort(newestFirst);
    await this.#delete(files.slice(this.#maxStateFiles).map((f) => f.key));
  }

  async #countRows(key: string): Promise<number> {
    return this.#files.withLocalCopy(key, async (path) => {
      if (!key.endsWith('.parquet')) return countLines(path);
      const reader = await this.#db.runAndReadAll(`SELECT count(*) FROM read_parquet(${quoteLiteral(path)})`);
      return Number(reader.getRows()[0]?.[0] ?? 0);
    });
  }

  /** Loads from the `_dlt_loads` files; tables are the dataset's folders, with rows counted in their files. */
  async inspect(dataset: string, limit: number): Promise<DatasetFacts> {
    const facts: DatasetFacts = { loads: [], tables: [] };
    const loads = (await this.#systemFiles(dataset, LOADS_FOLDER, false))
      .sort(newestFirst)
      .slice(0, Math.max(1, Math.floor(limit)));
    for (const file of loads) {
      const text = await this.#files.getText(file.key);
      if (text === undefined) continue;
      const doc = parseDoc<LoadsDoc>(text);
      facts.loads.push({
        loadId: doc.load_id,
        schemaName: doc.schema_name,
        status: doc.status,
        insertedAt: doc.inserted_at,
      });
    }
    const byTable = new Map<string, string[]>();
    for (const { key } of await this.#files.list(`${dataset}/`)) {
      const parts = key.split('/');
      const table = parts[1];
      if (parts.length < 3 || table === undefined) continue;
      byTable.set(table, [...(byTable.get(table) ?? []), key]);
    }
    for (const [name, keys] of [...byTable].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let count = 0;
      for (const key of keys) count += await this.#countRows(key);
      facts.tables.push({ name, rows: count });
    }
    return facts;
  }

  async close(): Promise<void> {
    this.#connection?.closeSync();
    this.#instance?.closeSync();
    this.#connection = undefined;
    this.#instance = undefined;
    await this.#store?.close();
    this.#store = undefined;
  }
}
