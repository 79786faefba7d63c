import type { RunReport } from '../pipeline/run-report.js';

/** The end-of-run summary: tables and rows, duration, requests and retries. */
export function formatSummary(report: RunReport): string {
  const lines = [
    `pipeline ${report.pipeline} loaded into ${report.destination} (${report.location}), dataset ${report.dataset}`,
  ];
  for (const resource of report.resources) {
    const stop = resource.stopReason ? `, stopped: ${resource.stopReason}` : '';
    lines.push(
      `  resource ${resource.name}: ${resource.records} records in ${resource.pages} pages, ${resource.requests} requests, ${resource.retries} retries${stop}`,
    );
  }
  const tables = Object.entries(report.rows);
  const width = Math.max(5, ...tables.map(([name]) => name.length));
  lines.push(`  ${'table'.padEnd(width)}  rows`);
  for (const [name, rows] of tables) lines.push(`  ${name.padEnd(width)}  ${rows}`);
  lines.push(
    `  ${report.loadIds.length} load(s): ${report.loadIds.join(', ') || 'none'}; ${(report.durationMs / 1000).toFixed(2)} s, ${report.requests} requests, ${report.retries} retries`,
  );
  return `${lines.join('\n')}\n`;
}
