import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, newProgress } from './progress-line.js';
import { ProgressRenderer } from './progress-renderer.js';

function capture(isTTY: boolean, logIntervalMs = 0) {
  const chunks: string[] = [];
  const clock = { now: 1_000_000 };
  const renderer = new ProgressRenderer(
    { isTTY, write: (text) => chunks.push(text) },
    { logIntervalMs, now: () => clock.now },
  );
  return { renderer, clock, text: () => chunks.join('') };
}

const page = (page: number, totalRecords: number, expectedPages?: number) =>
  ({
    type: 'page',
    resource: 'tasks',
    page,
    records: 100,
    totalRecords,
    ...(expectedPages === undefined ? {} : { expectedPages }),
  }) as const;

describe('progress line', () => {
  it('shows pages of the total with a percentage and an ETA while a known walk runs', () => {
    const p = { ...newProgress(0), pages: 10, records: 1000, expectedPages: 40 };
    // 10 pages in 5 s: 30 more pages take 15 s.
    expect(formatProgress(p, 5000)).toBe(
      '10/40 pages (25%), 1,000 records, 200 records/s, 0 retries, ETA 15.0 s',
    );
  });

  it('shows rows per second, nested tables included, once rows are written', () => {
    const p = { ...newProgress(0), pages: 10, records: 1000, rows: 4000 };
    expect(formatProgress(p, 5000)).toBe('10 pages, 1,000 records, 800 rows/s, 0 retries');
  });

  it('shows no percentage and no ETA when the API told no total', () => {
    const p = { ...newProgress(0), pages: 3, records: 300 };
    expect(formatProgress(p, 2000)).toBe('3 pages, 300 records, 150 records/s, 0 retries');
  });

  it('shows time lost to rate limits and, once done, how long the resource took', () => {
    const p = {
      ...newProgress(0),
      pages: 4,
      records: 400,
      retries: 2,
      rateLimitMs: 3500,
      expectedPages: 4,
      finishedAt: 8000,
    };
    expect(formatProgress(p, 9000)).toBe(
      '4 pages, 400 records, 50 records/s, 2 retries, 3.5 s rate-limited, in 8.0 s',
    );
  });

  it('writes durations people read at a glance', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
  });
});

describe('progress rendering', () => {
  it('writes plain log lines without a terminal: start, pages, retries, done', () => {
    const { renderer, clock, text } = capture(false);
    renderer.handle({ type: 'resource_started', resource: 'tasks' });
    clock.now += 500;
    renderer.handle(page(1, 100));
    renderer.handle({
      type: 'retry',
      resource: 'tasks',
      method: 'GET',
      url: 'http://h/x?api_key=***',
      attempt: 1,
      reason: '503',
      waitMs: 2000,
    });
    clock.now += 2500;
    renderer.handle({
      type: 'resource_finished',
      resource: 'tasks',
      pages: 2,
      records: 150,
      stopReason: 'empty page',
    });
    const out = text();
    expect(out).toMatch(/tasks: started\n/);
    expect(out).toMatch(/tasks: 1 pages, 100 records, 200 records\/s, 0 retries\n/);
    expect(out).toMatch(/tasks: retry 1 of GET http:\/\/h\/x\?api_key=\*\*\* \(503\) in 2000 ms\n/);
    expect(out).toMatch(
      /tasks: done, 2 pages, 150 records, 50 records\/s, 1 retries, 2\.0 s rate-limited, in 3\.0 s \(empty page\)\n/,
    );
    expect(out).not.toContain('\x1b[');
  });

  it('logs progress at most every interval per resource without a terminal', () => {
    const { renderer, clock, text } = capture(false, 5000);
    renderer.handle({ type: 'resource_started', resource: 'tasks' });
    for (let i = 1; i <= 12; i++) {
      clock.now += 1000;
      renderer.handle(page(i, i * 100));
    }
    const progress = text()
      .split('\n')
      .filter((line) => / tasks: \d+ pages/.test(line));
    // 12 s of pages: a line after 5 s and after 10 s, not one per page.
    expect(progress).toHaveLength(2);
    expect(progress[0]).toContain('tasks: 5 pages, 500 records');
    expect(progress[1]).toContain('tasks: 10 pages, 1,000 records');
  });

  it('redraws one live line per resource on a terminal, with percentage and ETA when the total is known', () => {
    const { renderer, clock, text } = capture(true);
    renderer.handle({ type: 'resource_started', resource: 'tasks' });
    clock.now += 150;
    renderer.handle({ type: 'resource_started', resource: 'users' });
    clock.now += 1850;
    renderer.handle(page(1, 100, 4));
    const out = text();
    expect(out).toContain(
      '\x1b[2K… tasks: 1/4 pages (25%), 100 records, 50 records/s, 0 retries, ETA 6.0 s\n',
    );
    expect(out).toContain('\x1b[2K… users: 0 pages, 0 records, 0 retries\n');
    // Each frame moves the cursor back over the one before (one line, then two) and redraws.
    expect(out).toContain('\x1b[1A');
    expect(out).toContain('\x1b[2A');
    expect(out.split('\x1b[').filter((code) => /^\dA/.test(code))).toHaveLength(2);
  });

  it('counts rate-limit waits on a terminal: backoff before retries and throttled requests', () => {
    const { renderer, clock, text } = capture(true);
    renderer.handle({ type: 'resource_started', resource: 'tasks' });
    renderer.handle({
      type: 'retry',
      resource: 'tasks',
      method: 'GET',
      url: 'http://h/x',
      attempt: 1,
      reason: '429',
      waitMs: 1200,
    });
    clock.now += 200;
    renderer.handle({
      type: 'request',
      resource: 'tasks',
      method: 'GET',
      url: 'http://h/x',
      attempt: 2,
      throttleMs: 800,
    });
    clock.now += 2000;
    renderer.handle({
      type: 'resource_finished',
      resource: 'tasks',
      pages: 1,
      records: 10,
      stopReason: undefined,
    });
    expect(text()).toContain(
      '\x1b[2K✓ tasks: 1 pages, 10 records, 5 records/s, 1 retries, 2.0 s rate-limited, in 2.2 s\n',
    );
    // Retries are logged only when verbose on a terminal: they would break the live lines.
    expect(text()).not.toContain('retry 1 of');
  });

  it('closes each load with its rows, tables and time', () => {
    const { renderer, clock, text } = capture(true);
    renderer.handle({ type: 'load_started', loadId: '1700000000.1', tables: ['a', 'b'] });
    clock.now += 1500;
    renderer.handle({ type: 'load_finished', loadId: '1700000000.1', rows: { a: 1200, b: 34 } });
    expect(text()).toContain('loaded 1700000000.1: 1,234 rows into 2 tables in 1.5 s\n');
  });

  it('logs every request when verbose', () => {
    const { renderer, text } = capture(true);
    const chunks: string[] = [];
    const verbose = new ProgressRenderer({ isTTY: true, write: (t) => chunks.push(t) }, { verbose: true });
    const request = {
      type: 'request',
      resource: 'tasks',
      method: 'GET',
      url: 'http://h/x?page=2',
      attempt: 1,
    } as const;
    verbose.handle(request);
    renderer.handle(request);
    expect(chunks.join('')).toMatch(/tasks: GET http:\/\/h\/x\?page=2\n/);
    expect(text()).toBe('');
  });
});
