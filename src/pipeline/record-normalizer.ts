import { Worker } from 'node:worker_threads';
import type { ResourcePlan } from '../config/rest-api-source.js';
import type { JsonValue } from '../normalize/json-values.js';
import type { Naming } from '../normalize/naming.js';
import type { Detection } from '../normalize/type-inference.js';
import type { SchemaEvolver } from '../schema/schema-evolver.js';
import type { StoredSchema, TableSchema } from '../schema/schema-types.js';
import {
  type FromWorker,
  type RecordsText,
  receiveError,
  type TableLines,
  type ToWorker,
  tablePlan,
} from './normalize-worker-protocol.js';
import { recordsToText } from './record-transfer.js';
import { ResourceTableWriter, tableLines } from './resource-table-writer.js';
import { TableSchemaChanges } from './table-schema-changes.js';

/** Where the JSON lines go: the load package. */
export interface LinesSink {
  readonly loadId: string;
  /** `schema`: the table's schema after these rows, given when its columns changed. */
  writeLines(table: string, lines: string | Uint8Array, rows: number, schema?: TableSchema): Promise<void>;
}

/** Called once a batch's rows are in the package: how many rows (all tables), and the ms it took. */
export type OnWritten = (rows: number, normalizeMs: number) => void;

/** Records after which a run hands normalizing to a worker thread, unless told otherwise. */
export const DEFAULT_WORKER_AFTER = 5000;
/** Batches sent to the worker and not yet written, before `write` waits. */
const MAX_IN_FLIGHT = 16;

export interface RecordNormalizerOptions {
  naming: Naming;
  evolver: SchemaEvolver;
  detections: readonly Detection[];
  sink: LinesSink;
  /** Records normalized on this thread before a worker takes over (`Infinity`: never). */
  workerAfter?: number;
  /** Called on the first failure of the worker, so that the run stops fetching at once. */
  onFailure?: (error: unknown) => void;
  /** Told when the worker takes over, with the records normalized before. */
  onHandOver?: (records: number) => void;
}

/** A worker thread on the built normalize-worker.js, or on its TypeScript source through tsx (tests). */
function startWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const source = JSON.stringify(new URL('./normalize-worker.ts', here).href);
    return new Worker(
      `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`,
      {
        eval: true,
      },
    );
  }
  return new Worker(new URL('./normalize-worker.js', here));
}

const rowCount = (tables: TableLines[]) => tables.reduce((sum, t) => sum + t.rows, 0);

/**
 * Normalizes the records of every resource of a run into the load package. The first records are
 * normalized on this thread; past `workerAfter` records a worker thread takes over the schema
 * evolver's state and normalizes the rest beside the fetching, which keeps a CPU-bound run on two
 * cores. Either way the package files get the rows in the order `write` was called, so the tables
 * are the same.
 */
export class RecordNormalizer {
  readonly #options: RecordNormalizerOptions;
  /** Per resource: its plan, its writer on this thread, its records so far (either thread). */
  readonly #resources = new Map<
    string,
    { plan: ResourcePlan; inline: ResourceTableWriter; records: number }
  >();
  /** Package writes in call order: a later batch's lines never overtake an earlier one's. */
  #written: Promise<void> = Promise.resolve();
  #worker: Worker | undefined;
  /** True once the worker is loaded; false if it could not start (this thread goes on). */
  #ready: Promise<boolean> | undefined;
  /** Set when the worker's `ready` came: a hand-over then needs no wait. */
  #loaded = false;
  /** A known total said the run will pass `workerAfter`: hand over as soon as the worker is loaded. */
  #expectedLarge = false;
  #handedOver = false;
  #inlineRecords = 0;
  #nextId = 0;
  readonly #pending = new Map<number, OnWritten>();
  #wake: Array<() => void> = [];
  #failure: Error | undefined;
  #finished: { schema: StoredSchema; discarded: Record<string, number> } | undefined;
  /** Schema changes of the batches normalized on this thread. */
  readonly #changes = new TableSchemaChanges();

  constructor(options: RecordNormalizerOptions) {
    this.#options = options;
  }

  /** Registers a selected resource; returns its root table's name. */
  addResource(plan: ResourcePlan): string {
    const { naming, evolver, sink } = this.#options;
    const inline = new ResourceTableWriter(plan, naming, evolver, sink.loadId);
    this.#resources.set(plan.name, { plan, inline, records: 0 });
    return inline.table;
  }

  /**
   * Normalizes one batch of a resource's records into the package. On this thread it resolves once
   * the rows are written; with the worker, once the batch is sent (at most a few batches ahead), and
   * `onWritten` runs when the rows are in the package. `text`, when given, is the page the records
   * were read from (see `ExtractedPage.text`): the worker parses it instead of the records written
   * out again.
   */
  async write(
    resource: string,
    records: JsonValue[],
    onWritten: OnWritten,
    text?: RecordsText,
  ): Promise<void> {
    if (this.#failure) throw this.#failure;
    const after = this.#options.workerAfter ?? DEFAULT_WORKER_AFTER;
    if (!this.#handedOver && Number.isFinite(after)) {
      // The worker loads while the first half is normalized here, so that it is ready to take over.
      if (this.#inlineRecords >= after / 2) this.#ready ??= this.#startWorker();
      const due = this.#inlineRecords >= after || (this.#expectedLarge && this.#loaded);
      if (due && (await this.#ready) && !this.#handedOver) this.#handOver();
      if (this.#failure) throw this.#failure;
    }
    const entry = this.#resources.get(resource);
    if (entry === undefined) throw new Error(`resource ${resource} was not added to the normalizer`);
    entry.records += records.length;
    if (this.#handedOver) return this.#send(resource, text ?? recordsToText(records), onWritten);
    const started = performance.now();
    const tables: TableLines[] = tableLines(entry.inline.rows(records));
    this.#changes.attach(this.#options.evolver.schema, tables);
    const normalizeMs = performance.now() - started;
    this.#inlineRecords += records.length;
    await this.#enqueue(tables);
    onWritten(rowCount(tables), normalizeMs);
  }

  /**
   * Told how many more records a walk will bring (a total on its first page). When they take the
   * run past `workerAfter`, the worker starts loading now and takes over from the first batch
   * written once it is loaded, instead of after `workerAfter` records normalized here: a cold
   * thread normalizes slowly, and on two cores it held back the fetching of a large run's first
   * pages.
   */
  expectRecords(count: number): void {
    const after = this.#options.workerAfter ?? DEFAULT_WORKER_AFTER;
    if (this.#handedOver || !Number.isFinite(after) || this.#inlineRecords + count < after) return;
    this.#expectedLarge = true;
    this.#ready ??= this.#startWorker();
  }

  /** Waits for every batch to be in the package; the schema as evolved by all of them. */
  async finish(): Promise<StoredSchema> {
    if (this.#handedOver) {
      while (this.#pending.size > 0 && !this.#failure) await this.#nextEvent();
      if (!this.#failure) {
        this.#post({ type: 'finish' });
        while (this.#finished === undefined && !this.#failure) await this.#nextEvent();
      }
    }
    await this.#written;
    if (this.#failure) throw this.#failure;
    return this.#finished?.schema ?? this.#options.evolver.schema;
  }

  /** The first failure of the worker or of a package write, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Rows of a resource the schema contract discarded (read after `finish`). */
  discardedRows(resource: string): number {
    return (
      (this.#resources.get(resource)?.inline.discardedRows ?? 0) + (this.#finished?.discarded[resource] ?? 0)
    );
  }

  /** Stops the worker, if one was started. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  /** Starts the worker; resolves true once it is loaded, false if it could not start. */
  #startWorker(): Promise<boolean> {
    const worker = startWorker();
    // Not unref'd: while the pipeline waits for its answers, the worker is what keeps the process
    // alive. `close` (in the run's `finally`) always ends it.
    this.#worker = worker;
    return new Promise((resolve) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          this.#loaded = true;
          resolve(true);
        } else this.#receive(message);
      });
      worker.on('error', (error) => {
        // A worker that never took over leaves this thread normalizing, as if there were none.
        resolve(false);
        if (this.#handedOver) this.#fail(new Error(`the normalize worker failed: ${error.message}`));
        else void this.close();
      });
      worker.on('exit', (code) => {
        resolve(false);
        if (this.#worker === worker && this.#handedOver && this.#finished === undefined) {
          this.#fail(new Error(`the normalize worker exited with code ${code}`));
        }
      });
    });
  }

  /** The worker takes the evolver's state as it is now; this thread normalizes no more. */
  #handOver(): void {
    const { naming, evolver, detections, sink } = this.#options;
    this.#handedOver = true;
    this.#options.onHandOver?.(this.#inlineRecords);
    this.#post({
      type: 'hand-over',
      state: {
        loadId: sink.loadId,
        maxIdentifierLength: naming.maxLength,
        detections: [...detections],
        schema: evolver.schema,
        baseline: evolver.baselineTables(),
        resources: [...this.#resources.values()].map(({ plan, records }) => ({
          plan: tablePlan(plan),
          recordsBefore: records,
        })),
      },
    });
  }

  async #send(resource: string, records: RecordsText, onWritten: OnWritten): Promise<void> {
    const id = this.#nextId++;
    this.#pending.set(id, onWritten);
    this.#post({ type: 'records', id, resource, records });
    while (this.#pending.size >= MAX_IN_FLIGHT && !this.#failure) await this.#nextEvent();
    if (this.#failure) throw this.#failure;
  }

  #post(message: ToWorker): void {
    this.#worker?.postMessage(message);
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        break;
      case 'normalized': {
        const onWritten = this.#pending.get(message.id);
        this.#enqueue(message.tables).then(
          () => {
            this.#pending.delete(message.id);
            onWritten?.(rowCount(message.tables), message.normalizeMs);
            this.#notify();
          },
          () => {},
        );
        break;
      }
      case 'failed':
        this.#fail(receiveError(message.error));
        break;
      case 'finished':
        this.#finished = { schema: message.schema, discarded: message.discarded };
        break;
    }
    this.#notify();
  }

  #enqueue(tables: TableLines[]): Promise<void> {
    const { sink } = this.#options;
    const done = this.#written.then(async () => {
      for (const { table, lines, rows, schema } of tables) await sink.writeLines(table, lines, rows, schema);
    });
    this.#written = done.catch((error: unknown) => {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    });
    return done;
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#options.onFailure?.(error);
    this.#notify();
  }

  #nextEvent(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}
