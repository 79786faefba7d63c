import { availableParallelism } from 'node:os';
import type { PackagePart } from '../../load/load-package-writer.js';
import type { TableSchema } from '../../schema/schema-types.js';
import type { EarlyLoad } from '../destination.js';
import { quoteIdentifier, stagingDataset } from '../sql/sql-identifiers.js';
import { DuckDbStaging } from './duckdb-staging.js';

type Run = (sql: string) => Promise<void>;

/** Files of a table that may wait for a quiet moment; one more ends early staging. */
const MAX_WAITING = 2;

/**
 * Staged early: a root table of a merge, which the load reads more than once (and for delete-insert
 * in load order), so it is copied into staging anyway. Other tables are read once at the load,
 * through a view over their files.
 */
const stagedEarly = (table: TableSchema) => table.parent === undefined && table.write_disposition === 'merge';

/**
 * Whether a process that used `cpuMs` of CPU over `wallMs` left a whole core idle. Staging early
 * pays only with CPU to spare (a walk that waits on the API or its rate limit): in a CPU-bound walk
 * DuckDB's reading competes with fetching and normalizing, and costs more than it saves at the end
 * (1,000,000 nested tasks at 0 ms: 17 s more CPU during the walk for 3.6 s less load). Half a core
 * is not enough: a 1,000,000-task nested walk at 20 ms latency kept 1.4–1.5 of two cores busy,
 * staged throughout under a half-core rule, and peaked at 405–413 MB against 314–338 MB.
 */
export function leavesCoreIdle(cpuMs: number, wallMs: number, cores: number): boolean {
  return cpuMs / Math.max(1, wallMs) <= cores - 1;
}

/** The process's CPU since it was last asked: whether it left a core idle ({@link leavesCoreIdle}). */
class SpareCpu {
  readonly #cores = availableParallelism();
  #at = performance.now();
  #cpu = process.cpuUsage();

  spare(): boolean {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const usedMs = (cpu.user - this.#cpu.user + cpu.system - this.#cpu.system) / 1000;
    const wallMs = now - this.#at;
    this.#at = now;
    this.#cpu = cpu;
    return leavesCoreIdle(usedMs, wallMs, this.#cores);
  }
}

/**
 * DuckDB's load of one package begun during extraction: each closed file of a merge's root table
 * is read into staging as it closes, in a transaction that `load` then continues and commits (so
 * when the walk ends, only the files not staged yet are left to read). Only while the process leaves
 * a core idle: files that close while it is busy wait, and are read together once it is not,
 * but a third file waiting ends early staging for this load, and the load reads the rest in one
 * statement. The first file of a run nearly always closes busy (start-up, and a rate limit's first
 * window fetched at full speed); a CPU-bound walk stays busy. (Reading all the files that had
 * waited, in a later quiet moment, took a 1,000,000-task nested run to 450 MB.) A failure here
 * rolls back, and the load reads every file itself.
 */
export class DuckDbEarlyLoad implements EarlyLoad {
  readonly staging: DuckDbStaging;
  readonly #run: Run;
  readonly #runQuiet: Run;
  readonly #stageNow: () => boolean;
  /** Per table: its schema as of its newest closed file, and its closed files queued to stage. */
  readonly #waiting = new Map<string, { schema: TableSchema; files: PackagePart[] }>();
  /** Set when too many files waited for the process to be less busy: nothing more is staged early. */
  #busy = false;
  /** The staging statements, one after another; resolves when the last queued one ran. */
  #queue: Promise<void> = Promise.resolve();
  #began = false;
  #over = false;

  /**
   * @param run runs a statement of the load (the destination tells `onStatement` of it)
   * @param runQuiet runs `BEGIN` / `ROLLBACK`
   * @param stageNow asked as each file closes: stage the waiting files now (default: spare CPU)
   */
  constructor(loadId: string, dataset: string, run: Run, runQuiet: Run, stageNow?: () => boolean) {
    this.staging = new DuckDbStaging(loadId, dataset);
    this.#run = run;
    this.#runQuiet = runQuiet;
    if (stageNow === undefined) {
      const cpu = new SpareCpu();
      this.#stageNow = () => cpu.spare();
    } else this.#stageNow = stageNow;
  }

  stage(part: PackagePart): void {
    const { schema } = part;
    if (this.#over || this.#busy || schema === undefined || !stagedEarly(schema)) return;
    const waiting = this.#waiting.get(part.table) ?? { schema, files: [] };
    waiting.schema = schema;
    waiting.files.push(part);
    this.#waiting.set(part.table, waiting);
    if (!this.#stageNow()) {
      if (waiting.files.length > MAX_WAITING) this.#busy = true;
      return;
    }
    this.#queue = this.#queue.then(() => this.#stageWaiting(part.table));
  }

  async abandon(): Promise<void> {
    await this.#queue;
    await this.end();
  }

  /**
   * Once the queued staging ran: the staging to go on with when this is the load of `loadId` into
   * `dataset` and nothing failed; else undefined, with everything rolled back.
   */
  async take(loadId: string, dataset: string): Promise<DuckDbStaging | undefined> {
    await this.#queue;
    const { staging } = this;
    if (!this.#over && this.#began && staging.loadId === loadId && staging.dataset === dataset) {
      this.#over = true;
      return staging;
    }
    await this.end();
    return undefined;
  }

  /** Rolls back what was staged, if anything, and stages nothing more. */
  async end(): Promise<void> {
    if (this.#over) return;
    this.#over = true;
    if (this.#began) await this.#runQuiet('ROLLBACK').catch(() => {});
  }

  async #stageWaiting(table: string): Promise<void> {
    const waiting = this.#waiting.get(table);
    if (this.#over || waiting === undefined || waiting.files.length === 0) return;
    const files = waiting.files;
    waiting.files = [];
    try {
      if (!this.#began) {
        await this.#runQuiet('BEGIN TRANSACTION');
        this.#began = true;
        await this.#run(
          `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(stagingDataset(this.staging.dataset))}`,
        );
      }
      await this.staging.stage(this.#run, waiting.schema, files, false);
    } catch {
      // The load reads the files itself, and reports what fails then.
      await this.end();
    }
  }
}
