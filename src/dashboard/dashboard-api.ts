import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackageManifest } from '../load/load-package.js';
import { readLocalState } from '../load/pipeline-state.js';
import { listPendingPackages } from '../pipeline/pipeline-packages.js';
import { readTrace } from '../pipeline/pipeline-trace.js';
import {
  countRows,
  type DbColumn,
  datasetColumns,
  datasetLoads,
  previewRows,
  rowsByLoad,
  storedSchemas,
} from './dataset-queries.js';
import { parseRowFilter } from './row-filter.js';
import type { ReadQuery, SqlReader } from './sql-reader.js';
import { localSchemas, newestSchemas, orderColumns, type TableView, tableView } from './table-schemas.js';

/** The pipeline a dashboard shows. */
export interface DashboardSource {
  pipelineName: string;
  /** The pipeline's working folder: local state, schemas, loaded packages, trace.json. */
  workingDir: string;
  /** The dataset as the destination names it. */
  dataset: string;
  reader: SqlReader;
}

/** An answer other than 200, with a message for the page. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const PREVIEW_LIMIT = { default: 20, max: 200 } as const;
const LOADS_SHOWN = 100;

export interface LoadView {
  loadId: string;
  status: number | null;
  /** When the destination recorded it, or when the package was made (local only). */
  time: string | null;
  /** Rows each table got in the load, from the local package (the newest few are kept). */
  rowsLoaded: Record<string, number> | null;
  /** Rows of the load still in the dataset (merge replaces rows of older loads). */
  rowsNow: Record<string, number>;
}

async function loadedManifests(workingDir: string): Promise<PackageManifest[]> {
  const dir = join(workingDir, 'load', 'loaded');
  const manifests: PackageManifest[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    try {
      manifests.push(JSON.parse(await readFile(join(dir, name, 'manifest.json'), 'utf8')) as PackageManifest);
    } catch {
      // A package being moved or removed by a run: it is shown from the destination alone.
    }
  }
  return manifests;
}

async function readDestination<T>(source: DashboardSource, work: (query: ReadQuery) => Promise<T>) {
  try {
    return { value: await source.reader.read(work), error: null };
  } catch (cause) {
    return { value: undefined, error: cause instanceof Error ? cause.message : String(cause) };
  }
}

/** `GET /api/pipeline`: where the pipeline loads, its loads over time, pending packages, last run. */
export async function pipelineOverview(source: DashboardSource) {
  const { workingDir } = source;
  const read = await readDestination(source, async (query) => {
    const tables = await datasetColumns(query, source.dataset);
    return {
      loads: await datasetLoads(query, source.dataset, tables, LOADS_SHOWN),
      rowsNow: await rowsByLoad(query, source.dataset, tables),
    };
  });
  const manifests = new Map((await loadedManifests(workingDir)).map((m) => [m.loadId, m]));
  const loads = new Map<string, LoadView>();
  for (const load of read.value?.loads ?? []) {
    const manifest = manifests.get(load.loadId);
    loads.set(load.loadId, {
      loadId: load.loadId,
      status: load.status,
      time: load.insertedAt,
      rowsLoaded: manifest ? Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])) : null,
      rowsNow: read.value?.rowsNow.get(load.loadId) ?? {},
    });
  }
  for (const manifest of manifests.values()) {
    if (loads.has(manifest.loadId)) continue;
    loads.set(manifest.loadId, {
      loadId: manifest.loadId,
      status: null,
      time: manifest.createdAt,
      rowsLoaded: Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])),
      rowsNow: {},
    });
  }
  const state = await readLocalState(workingDir);
  return {
    pipeline: source.pipelineName,
    dataset: source.dataset,
    workingDir,
    destination: { type: source.reader.type, location: source.reader.location, error: read.error },
    stateVersion: state?._state_version ?? null,
    pendingPackages: await listPendingPackages(workingDir),
    // Oldest first: the order of a time axis.
    loads: [...loads.values()].sort((a, b) => (a.loadId < b.loadId ? -1 : a.loadId > b.loadId ? 1 : 0)),
    lastRun: (await readTrace(workingDir)) ?? null,
  };
}

async function tableViews(source: DashboardSource, query: ReadQuery): Promise<TableView[]> {
  const columns = await datasetColumns(query, source.dataset);
  const schemas = newestSchemas(
    await localSchemas(source.workingDir),
    await storedSchemas(query, source.dataset, columns),
  );
  const views: TableView[] = [];
  for (const [name, dbColumns] of columns) {
    views.push(tableView(name, await countRows(query, source.dataset, name), dbColumns, schemas));
  }
  return views;
}

/** `GET /api/tables`: every table of the dataset with its row count and columns. */
export async function tablesOverview(source: DashboardSource) {
  const read = await readDestination(source, (query) => tableViews(source, query));
  return { dataset: source.dataset, tables: read.value ?? [], error: read.error };
}

function integerParam(value: string | null, name: string, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new ApiError(400, `${name} must be a whole number from 0 to ${max} (got "${value}")`);
  }
  return n;
}

/**
 * `GET /api/tables/:name/rows?filter=&offset=&limit=`: one page of a table. The table must be one
 * of the dataset's (else 404) and the filter's column one of the table's (else 400).
 */
export async function tableRows(source: DashboardSource, table: string, params: URLSearchParams) {
  const offset = integerParam(params.get('offset'), 'offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = integerParam(params.get('limit'), 'limit', PREVIEW_LIMIT.default, PREVIEW_LIMIT.max);
  const filter = parseRowFilter(params.get('filter') ?? '');
  return source.reader.read(async (query) => {
    const tables = await datasetColumns(query, source.dataset);
    const dbColumns: DbColumn[] | undefined = tables.get(table);
    if (dbColumns === undefined) {
      throw new ApiError(404, `no table "${table}" in dataset ${source.dataset}`);
    }
    const schemas = newestSchemas(
      await localSchemas(source.workingDir),
      await storedSchemas(query, source.dataset, tables),
    );
    const view = tableView(table, 0, dbColumns, schemas);
    const columns = view.columns.map((c) => c.name);
    const page = await previewRows(query, source.dataset, {
      table,
      columns,
      orderBy: orderColumns(view),
      filter,
      offset,
      limit,
    });
    return { table, columns, filter: filter ?? null, offset, limit, total: page.total, rows: page.rows };
  });
}
