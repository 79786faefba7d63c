/** What the library reports while it runs; the CLI (or any caller) renders these. */
export type TributaryEvent =
  | { type: 'run_started'; pipeline: string; dataset: string; destination: string; loadId: string }
  | { type: 'resource_started'; resource: string }
  | { type: 'request'; resource: string; method: string; url: string; attempt: number }
  | {
      type: 'retry';
      resource: string;
      method: string;
      url: string;
      attempt: number;
      reason: string;
      waitMs: number;
    }
  | { type: 'page'; resource: string; page: number; records: number; totalRecords: number }
  | {
      type: 'resource_finished';
      resource: string;
      pages: number;
      records: number;
      stopReason: string | undefined;
    }
  | { type: 'pending_package'; loadId: string }
  | { type: 'load_started'; loadId: string; tables: string[] }
  | { type: 'load_finished'; loadId: string; rows: Record<string, number> }
  | { type: 'warning'; message: string };

export type TributaryEventType = TributaryEvent['type'];
