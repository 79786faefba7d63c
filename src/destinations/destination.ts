import type { LoadPackage } from '../load/load-package.js';
import type { PackagePart } from '../load/load-package-writer.js';
import type { PipelineState } from '../load/pipeline-state.js';
import type { StoredSchema } from '../schema/schema-types.js';

/** What the loader may rely on; it reads capabilities, never a destination's name. */
export interface DestinationCapabilities {
  /** Longest identifier the destination keeps (names are shortened with dlt's tag beyond it). */
  maxIdentifierLength: number;
  supportsMerge: boolean;
  /** Data, state and `_dlt_loads` row commit in one transaction. */
  transactional: boolean;
}

export interface LoadResult {
  /** Rows written per table in this load. */
  rows: Record<string, number>;
}

/** What `tributary pipeline <name> info` shows of a dataset. */
export interface DatasetFacts {
  loads: Array<{ loadId: string; schemaName: string | null; status: number; insertedAt: string }>;
  tables: Array<{ name: string; rows: number }>;
}

/**
 * A load begun while its package is still being written: the destination reads each closed file
 * of the package as it comes, inside the transaction that its `load` of that package commits, so
 * that less is left to do when extraction ends. Nothing of it is visible before that commit.
 */
export interface EarlyLoad {
  /** Queues a closed package file. Never throws: a file that fails here is read again by `load`. */
  stage(part: PackagePart): void;
  /** The package will not be loaded (the run failed): what was staged is rolled back. */
  abandon(): Promise<void>;
}

/**
 * A place that tables land in. `load` commits one package entirely or not at all: its data, the
 * schema version, the state row and the `_dlt_loads` row.
 */
export interface Destination {
  readonly type: string;
  readonly capabilities: DestinationCapabilities;
  /** Where the data goes, safe to print (no credentials). */
  readonly location: string;
  open(): Promise<void>;
  storedSchema(dataset: string, schemaName: string): Promise<StoredSchema | undefined>;
  storedState(dataset: string, pipelineName: string): Promise<PipelineState | undefined>;
  isLoaded(dataset: string, loadId: string): Promise<boolean>;
  load(pkg: LoadPackage, dataset: string): Promise<LoadResult>;
  /** Optional: begins the load of package `loadId` while extraction goes on (see {@link EarlyLoad}). */
  beginLoad?(loadId: string, dataset: string): EarlyLoad;
  /** The newest loads (up to `limit`) and every table of the dataset with its row count. */
  inspect(dataset: string, limit: number): Promise<DatasetFacts>;
  close(): Promise<void>;
}
