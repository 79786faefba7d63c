import type { ResourceReport, RunReport } from '../pipeline/run-report.js';
import { formatDuration } from './progress-line.js';

/** `512 B`, `12.3 KB`, `4.5 MB`, `1.2 GB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function resourceLines(resource: ResourceReport): string[] {
  const stop = resource.stopReason ? `, stopped: ${resource.stopReason}` : '';
  const { requestMs, rateLimitMs, normalizeMs } = resource.timings;
  const lines = [
    `  resource ${resource.name}: ${resource.records} records in ${resource.pages} pages, ${resource.requests} requests, ${resource.retries} retries, ${formatBytes(resource.bytes)}${stop}`,
    `    time: API ${formatDuration(requestMs)}, rate limits ${formatDuration(rateLimitMs)}, normalize ${formatDuration(normalizeMs)}`,
  ];
  for (const error of resource.errors) lines.push(`    error ${error.code}: ${error.message}`);
  return lines;
}

/** The end-of-run summary: resources, tables and rows, duration, requests and retries. */
export function formatSummary(report: RunReport): string {
  const lines = [
    `pipeline ${report.pipeline} loaded into ${report.destination} (${report.location}), dataset ${report.dataset}`,
  ];
  for (const resource of report.resources) lines.push(...resourceLines(resource));
  const tables = Object.entries(report.rows);
  const width = Math.max(5, ...tables.map(([name]) => name.length));
  lines.push(`  ${'table'.padEnd(width)}  rows`);
  for (const [name, rows] of tables) lines.push(`  ${name.padEnd(width)}  ${rows}`);
  const load = report.timings.loadMs > 0 ? ` (load ${formatDuration(report.timings.loadMs)})` : '';
  lines.push(
    `  ${report.loadIds.length} load(s): ${report.loadIds.join(', ') || 'none'}; ${(report.durationMs / 1000).toFixed(2)} s${load}, ${report.requests} requests, ${report.retries} retries, ${formatBytes(report.bytes)}`,
  );
  return `${lines.join('\n')}\n`;
}
