/** What the progress display knows of one resource. */
export interface ResourceProgress {
  pages: number;
  records: number;
  /** Rows written for those records, nested tables included. */
  rows: number;
  retries: number;
  /** Ms spent on backoff before retries and waiting for the host's rate budget. */
  rateLimitMs: number;
  /** Pages of the whole walk, when the first page told a total. */
  expectedPages: number | undefined;
  /** Clock time the resource started and (when done) finished, in ms. */
  startedAt: number;
  finishedAt: number | undefined;
  stopReason: string | undefined;
}

export function newProgress(now: number): ResourceProgress {
  return {
    pages: 0,
    records: 0,
    rows: 0,
    retries: 0,
    rateLimitMs: 0,
    expectedPages: undefined,
    startedAt: now,
    finishedAt: undefined,
    stopReason: undefined,
  };
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * One resource's progress in words: pages (of the total, with a percentage, when known), records,
 * rows per second (root and nested tables), retries, time lost to rate limits, and an ETA while a known walk is under way.
 *
 * @example
 * formatProgress(p, now) // "12/35 pages (34%), 1,200 records, 1,350 rows/s, 2 retries, 3.1 s rate-limited, ETA 20.0 s"
 */
export function formatProgress(p: ResourceProgress, now: number): string {
  const end = p.finishedAt ?? now;
  const elapsedMs = Math.max(1, end - p.startedAt);
  const parts: string[] = [];
  const expected = p.expectedPages;
  if (expected !== undefined && p.finishedAt === undefined) {
    const percent = Math.min(100, Math.floor((100 * p.pages) / expected));
    parts.push(`${count(p.pages)}/${count(expected)} pages (${percent}%)`);
  } else {
    parts.push(`${count(p.pages)} pages`);
  }
  parts.push(`${count(p.records)} records`);
  if (p.rows > 0) parts.push(`${count(Math.round((p.rows * 1000) / elapsedMs))} rows/s`);
  else if (p.records > 0) parts.push(`${count(Math.round((p.records * 1000) / elapsedMs))} records/s`);
  parts.push(`${count(p.retries)} retries`);
  if (p.rateLimitMs > 0) parts.push(`${formatDuration(p.rateLimitMs)} rate-limited`);
  if (p.finishedAt === undefined && expected !== undefined && p.pages > 0 && p.pages < expected) {
    parts.push(`ETA ${formatDuration((elapsedMs / p.pages) * (expected - p.pages))}`);
  }
  if (p.finishedAt !== undefined) parts.push(`in ${formatDuration(elapsedMs)}`);
  return parts.join(', ');
}
