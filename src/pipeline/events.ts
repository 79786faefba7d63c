/** What the library reports while it runs; the CLI (or any caller) renders these. */
export type TributaryEvent =
  | { type: 'run_started'; pipeline: string; dataset: string; destination: string; loadId: string }
  | { type: 'resource_started'; resource: string }
  | {
      type: 'request';
      resource: string;
      method: string;
      url: string;
      attempt: number;
      /** Ms this attempt waited for the host's budget: a Retry-After pause, the rate cap, a free slot. */
      throttleMs?: number;
    }
  | {
      /** One attempt ended: `status` when the server answered, `error` (a code) when it did not. */
      type: 'response';
      resource: string;
      method: string;
      url: string;
      attempt: number;
      status: number | undefined;
      error?: string;
      bytes: number;
      durationMs: number;
    }
  | {
      type: 'retry';
      resource: string;
      method: string;
      url: string;
      attempt: number;
      reason: string;
      waitMs: number;
    }
  | {
      type: 'page';
      resource: string;
      page: number;
      records: number;
      totalRecords: number;
      /** Rows of this page's records in every table (root and nested) of the load package. */
      rows?: number;
      /** Pages of the whole walk, when the first page told a total (offset, page number). */
      expectedPages?: number;
      /** Ms spent turning this page's records into rows of the load package. */
      normalizeMs?: number;
    }
  | {
      type: 'resource_finished';
      resource: string;
      pages: number;
      records: number;
      stopReason: string | undefined;
    }
  /** Normalizing moved to a worker thread after this many records (docs/performance.md). */
  | { type: 'normalize_worker'; records: number }
  | { type: 'pending_package'; loadId: string }
  | { type: 'load_started'; loadId: string; tables: string[] }
  | { type: 'load_finished'; loadId: string; rows: Record<string, number> }
  | { type: 'warning'; message: string };

export type TributaryEventType = TributaryEvent['type'];

/**
 * The event with registered secrets masked in every text field: what reaches the caller's sink, the
 * trace and the run report. The library's own texts are redacted where they are made; this is the
 * one boundary that also covers what a server or a callback put into a message.
 */
export function redactEvent(event: TributaryEvent, redact: (text: string) => string): TributaryEvent {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(event)) {
    if (typeof value !== 'string' || key === 'type') continue;
    const masked = redact(value);
    if (masked !== value) {
      copy ??= { ...event };
      copy[key] = masked;
    }
  }
  return (copy as TributaryEvent | undefined) ?? event;
}
