import type { DryRunReport, DryRunResource, DryRunTable } from '../pipeline/dry-run.js';
import { isSystemColumn } from '../schema/system-columns.js';
import { formatDuration } from './progress-line.js';

/** What to do about a failed first request, by its status. */
function advice(resource: DryRunResource): string | undefined {
  const status = resource.error?.status;
  if (status === 401 || status === 403) {
    return 'the API refused the credentials: check the auth settings and the secrets they use';
  }
  if (status === 404) return 'the API has no such path: check client.base_url and endpoint.path';
  return undefined;
}

function resourceLines(resource: DryRunResource): string[] {
  const state = resource.status === 'ok' ? 'ok' : resource.status === 'failed' ? 'FAILED' : 'skipped';
  const child = resource.parent ? ` (child of ${resource.parent})` : '';
  const lines = [`resource ${resource.name}${child}: ${state}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(14)} ${text}`);
  if (resource.request) row('first request', resource.request);
  if (resource.paginator) {
    const total = resource.expectedPages === undefined ? '' : `; ${resource.expectedPages} pages in all`;
    row('paginator', `${resource.paginator.description} — ${resource.paginator.source}${total}`);
  } else if (resource.status === 'ok') {
    row('paginator', 'none');
  }
  if (resource.selector) row('data selector', `${resource.selector.path} — ${resource.selector.source}`);
  if (resource.status === 'ok') row('first page', `${resource.records} records`);
  if (resource.note) row('note', resource.note);
  if (resource.error) {
    row('error', `${resource.error.code}: ${resource.error.message}`);
    const hint = advice(resource);
    if (hint) row('what to do', hint);
  }
  return lines;
}

function tableLines(table: DryRunTable): string[] {
  const nested = table.parent ? `nested in ${table.parent}, ` : '';
  const lines = [`  ${table.name} (${nested}${table.rows} rows from the first pages)`];
  const columns = table.columns.filter((column) => !isSystemColumn(column.name));
  const width = Math.max(6, ...columns.map((column) => column.name.length));
  for (const column of columns) {
    const type = (column.dataType ?? '(no values yet)').padEnd(10);
    const nullable = column.nullable ? 'null    ' : 'not null';
    const hints = column.hints.length > 0 ? `  ${column.hints.join(', ')}` : '';
    lines.push(`    ${column.name.padEnd(width)}  ${type}  ${nullable}${hints}`.trimEnd());
  }
  const system = table.columns.filter((column) => isSystemColumn(column.name)).map((c) => c.name);
  if (system.length > 0) lines.push(`    + dlt columns: ${system.join(', ')}`);
  return lines;
}

/**
 * The dry run for people: per resource the first request, the paginator and data selector in
 * force (configured or detected) and the first page's records, or the error and what to do; then
 * the tables and columns a first run would create. Text arrives redacted from the library.
 */
export function formatDryRun(report: DryRunReport): string {
  const lines = [
    `dry run of pipeline ${report.pipeline} → ${report.destination}, dataset ${report.dataset} (nothing is written)`,
    'config and secrets: ok',
    '',
  ];
  for (const resource of report.resources) lines.push(...resourceLines(resource));
  lines.push('', 'tables and columns a first run would create from these pages:');
  if (report.tables.length === 0) lines.push('  none (no records)');
  for (const table of report.tables) lines.push(...tableLines(table));
  const failed = report.resources.filter((resource) => resource.status === 'failed');
  const took = `${report.requests} requests in ${formatDuration(report.durationMs)}`;
  lines.push(
    '',
    failed.length === 0
      ? `all checks passed: ${took}`
      : `${failed.length} check(s) failed (${failed.map((r) => r.name).join(', ')}): ${took}`,
  );
  return `${lines.join('\n')}\n`;
}
