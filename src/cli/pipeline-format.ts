import type { DropResult, PendingPackage, PipelineInfo, SyncResult } from '../pipeline/pipeline-commands.js';
import type { RunTrace } from '../pipeline/pipeline-trace.js';

/** Rows of cells as left-aligned columns, two spaces apart, indented. */
function columns(rows: string[][], indent = '    '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) => `${indent}${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
}

const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const retries = (n: number) => `${n} ${n === 1 ? 'retry' : 'retries'}`;

function packageLine(pkg: PendingPackage): string[] {
  const rows = pkg.tables.reduce((sum, t) => sum + t.rows, 0);
  const what =
    pkg.createdAt === null
      ? 'unreadable manifest'
      : `created ${pkg.createdAt}, ${plural(pkg.tables.length, 'table')}, ${plural(rows, 'row')}${pkg.hasState ? ', with state' : ''}`;
  return [pkg.loadId, what];
}

/** `tributary pipeline <name> info` as text. */
export function formatInfo(info: PipelineInfo): string {
  const { destination } = info;
  const lines = [`pipeline ${info.pipeline}`, `  working folder: ${info.workingDir}`];
  const where = `${destination.type} ${destination.location}, dataset ${info.dataset}`;
  if (!destination.read) lines.push(`  destination: ${where} (does not exist yet)`);
  else if (destination.error) lines.push(`  destination: ${where} (cannot read it: ${destination.error})`);
  else lines.push(`  destination: ${where}`);
  const remoteState = info.state.destination === null ? 'none' : `version ${info.state.destination}`;
  lines.push(
    `  state: ${info.state.local === null ? 'no local copy' : `version ${info.state.local}`} (destination: ${remoteState})`,
  );
  if (info.pendingPackages.length === 0) lines.push('  pending packages: none');
  else {
    lines.push(`  pending packages: ${info.pendingPackages.length} (loaded by the next run)`);
    lines.push(...columns(info.pendingPackages.map(packageLine)));
  }
  if (info.cursors.length === 0) lines.push('  incremental cursors: none');
  else {
    lines.push('  incremental cursors:');
    lines.push(
      ...columns(
        info.cursors.map((c) => [
          `${c.source}.${c.resource}`,
          c.cursorPath,
          `last_value ${value(c.lastValue)}`,
          `(initial_value ${value(c.initialValue)})`,
        ]),
      ),
    );
  }
  for (const schema of info.schemas) {
    const local = schema.local
      ? `version ${schema.local.version}, hash ${schema.local.hash}`
      : 'no local copy';
    const remote = schema.destination ? `version ${schema.destination.version}` : 'none';
    lines.push(`  schema ${schema.name}: ${local} (destination: ${remote})`);
  }
  if (info.loads.length > 0) {
    lines.push(`  last ${plural(info.loads.length, 'load')}, newest first:`);
    lines.push(
      ...columns(
        info.loads.map((l) => [
          l.loadId,
          `status ${l.status}`,
          l.insertedAt,
          `schema ${l.schemaName ?? '-'}`,
        ]),
      ),
    );
  } else if (destination.read && !destination.error) lines.push('  loads: none');
  if (info.tables.length > 0) {
    lines.push('  tables:');
    lines.push(...columns(info.tables.map((t) => [t.name, String(t.rows)])));
  }
  return `${lines.join('\n')}\n`;
}

/** `tributary pipeline <name> trace` as text. */
export function formatTrace(trace: RunTrace): string {
  const seconds = (Date.parse(trace.finishedAt) - Date.parse(trace.startedAt)) / 1000;
  const lines = [
    `pipeline ${trace.pipeline}: last run ${trace.status}`,
    `  started ${trace.startedAt}, finished ${trace.finishedAt} (${seconds.toFixed(2)} s)`,
    `  ${plural(trace.requests, 'request')}, ${retries(trace.retries)}`,
    '  steps:',
    ...columns(trace.steps.map((s) => [s.step, s.ok ? 'ok' : 'failed', `${s.durationMs} ms`])),
  ];
  if (trace.resources.length === 0) lines.push('  resources: none');
  else {
    lines.push('  resources:');
    lines.push(
      ...columns(
        trace.resources.map((r) => [
          r.name,
          `${plural(r.records, 'record')} in ${plural(r.pages, 'page')}`,
          `${plural(r.requests, 'request')}, ${retries(r.retries)}`,
          r.stopReason ? `stopped: ${r.stopReason}` : '',
        ]),
      ),
    );
  }
  if (trace.loads.length === 0) lines.push('  loads: none');
  for (const load of trace.loads) {
    lines.push(`  load ${load.loadId}:`);
    lines.push(...columns(Object.entries(load.rows).map(([table, rows]) => [table, String(rows)])));
  }
  lines.push(trace.warnings.length === 0 ? '  warnings: none' : '  warnings:');
  lines.push(...trace.warnings.map((w) => `    ${w}`));
  lines.push(trace.retryLog.length === 0 ? '  retries: none' : '  retries:');
  lines.push(
    ...columns(
      trace.retryLog.map((r) => [
        r.resource,
        `attempt ${r.attempt}`,
        r.url,
        r.reason,
        `waited ${r.waitMs} ms`,
      ]),
    ),
  );
  if (trace.error) lines.push(`  error: ${trace.error.code}: ${trace.error.message}`);
  return `${lines.join('\n')}\n`;
}

/** `tributary pipeline <name> drop` as text. */
export function formatDrop(pipeline: string, result: DropResult): string {
  const lines = [
    `dropped ${plural(result.resources.length, 'resource')} of pipeline ${pipeline} (source ${result.schemaName}, dataset ${result.dataset}) in load ${result.loadId}: ${result.resources.join(', ')}`,
    `  tables dropped: ${result.tables.join(', ') || 'none'}`,
    result.stateVersion === null
      ? '  state: unchanged (the resources had none)'
      : `  state: version ${result.stateVersion}, their incremental cursors removed`,
    `  schema ${result.schemaName}: version ${result.schemaVersion}`,
    '  the next run extracts them again from their initial values',
  ];
  return `${lines.join('\n')}\n`;
}

/** `tributary pipeline <name> sync` as text. */
export function formatSync(pipeline: string, result: SyncResult): string {
  const schemas = result.schemas.map((s) => `schema ${s.name} version ${s.version}`).join(', ');
  return `restored pipeline ${pipeline} from dataset ${result.dataset}: state version ${result.stateVersion}${schemas ? `, ${schemas}` : ''}\n`;
}

/** The packages `drop-pending` (or `sync --drop-pending`) discarded. */
export function formatDroppedPackages(pipeline: string, dropped: PendingPackage[]): string {
  if (dropped.length === 0) return `pipeline ${pipeline} has no pending packages\n`;
  const lines = [
    `dropped ${plural(dropped.length, 'pending package')} of pipeline ${pipeline}:`,
    ...columns(dropped.map(packageLine), '  '),
    'nothing of them was committed: the next run extracts that data again from the last committed cursors',
  ];
  return `${lines.join('\n')}\n`;
}
