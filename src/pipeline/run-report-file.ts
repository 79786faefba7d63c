import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { secretRegistry } from '../config/secret-registry.js';
import { TributaryError } from '../errors/tributary-error.js';
import type { RunReport } from './run-report.js';

/** `format` of a run report file; `version` grows when a field changes meaning or goes away. */
export const RUN_REPORT_FORMAT = 'tributary.run-report';
export const RUN_REPORT_VERSION = 1;

/** A report file as written: the report, marked with its format and version. */
export type RunReportFile = { format: typeof RUN_REPORT_FORMAT; version: number } & RunReport;

/** The errors whose run already wrote its report, so the CLI does not write a second one. */
const reported = new WeakSet<object>();

export function markReported(error: unknown): void {
  if (typeof error === 'object' && error !== null) reported.add(error);
}

export function wasReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && reported.has(error);
}

/**
 * Writes a report as JSON, whole or not at all (a temp file renamed into place). Every registered
 * secret is masked in the serialized text: the last step before the disk.
 */
export async function writeReportFile(path: string, body: object, outcome: string): Promise<void> {
  const target = resolve(path);
  const text = secretRegistry.redact(JSON.stringify(body, null, 2));
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.tmp`, `${text}\n`);
    await rename(`${target}.tmp`, target);
  } catch (cause) {
    const reason = secretRegistry.redact(cause instanceof Error ? cause.message : String(cause));
    throw new TributaryError(
      'WORKING_DIR',
      `could not write the report ${target}: ${reason}; ${outcome} — choose a writable path for --report`,
      { cause },
    );
  }
}

/** Writes a run report (docs/run-report.md). */
export function writeRunReport(path: string, report: RunReport): Promise<void> {
  const file: RunReportFile = { format: RUN_REPORT_FORMAT, version: RUN_REPORT_VERSION, ...report };
  return writeReportFile(path, file, `the run itself ${report.status}`);
}
