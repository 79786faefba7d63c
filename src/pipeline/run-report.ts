import type { TributaryEvent } from './events.js';

export interface ResourceReport {
  name: string;
  pages: number;
  records: number;
  requests: number;
  retries: number;
  stopReason: string | undefined;
}

/** What a run did, for the CLI summary and for scripts. */
export interface RunReport {
  pipeline: string;
  dataset: string;
  destination: string;
  location: string;
  loadIds: string[];
  resources: ResourceReport[];
  /** Rows written per table by this run. */
  rows: Record<string, number>;
  requests: number;
  retries: number;
  durationMs: number;
}

/** Counts requests, retries, pages and records from the event stream. */
export class RunCounters {
  readonly resources = new Map<string, ResourceReport>();
  requests = 0;
  retries = 0;

  resource(name: string): ResourceReport {
    let report = this.resources.get(name);
    if (report === undefined) {
      report = { name, pages: 0, records: 0, requests: 0, retries: 0, stopReason: undefined };
      this.resources.set(name, report);
    }
    return report;
  }

  observe(event: TributaryEvent): void {
    switch (event.type) {
      case 'request':
        this.requests++;
        this.resource(event.resource).requests++;
        return;
      case 'retry':
        this.retries++;
        this.resource(event.resource).retries++;
        return;
      case 'page': {
        const report = this.resource(event.resource);
        report.pages = event.page;
        report.records = event.totalRecords;
        return;
      }
      case 'resource_finished':
        this.resource(event.resource).stopReason = event.stopReason;
        return;
      default:
        return;
    }
  }
}
