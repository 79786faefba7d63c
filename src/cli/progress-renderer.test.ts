import { describe, expect, it } from 'vitest';
import { ProgressRenderer } from './progress-renderer.js';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const renderer = new ProgressRenderer({ isTTY, write: (text) => chunks.push(text) }, { logIntervalMs: 0 });
  return { renderer, text: () => chunks.join('') };
}

describe('progress rendering', () => {
  it('writes plain log lines without a terminal: start, pages, retries, done', () => {
    const { renderer, text } = capture(false);
    renderer.handle({ type: 'resource_started', resource: 'tasks' });
    renderer.handle({ type: 'page', resource: 'tasks', page: 1, records: 100, totalRecords: 100 });
    renderer.handle({
      type: 'retry',
      resource: 'tasks',
      method: 'GET',
      url: 'http://h/x?api_key=***',
      attempt: 1,
      reason: '503',
      waitMs: 2000,
    });
    renderer.handle({
      type: 'resource_finished',
      resource: 'tasks',
      pages: 2,
      records: 150,
      stopReason: 'empty page',
    });
    const out = text();
    expect(out).toMatch(/tasks: started\n/);
    expect(out).toMatch(/tasks: 1 pages, 100 records, 0 retries\n/);
    expect(out).toMatch(/tasks: retry 1 of GET http:\/\/h\/x\?api_key=\*\*\* \(503\) in 2000 ms\n/);
    expect(out).toMatch(/tasks: done, 2 pages, 150 records, 1 retries\n/);
    expect(out).not.toContain('\x1b[');
  });

  it('redraws one live line per resource on a terminal', () => {
    const { renderer, text } = capture(true);
    renderer.handle({ type: 'resource_started', resource: 'a' });
    renderer.handle({ type: 'resource_started', resource: 'b' });
    renderer.handle({
      type: 'resource_finished',
      resource: 'a',
      pages: 3,
      records: 250,
      stopReason: undefined,
    });
    const out = text();
    expect(out).toContain('\x1b[2K✓ a: 3 pages, 250 records, 0 retries\n');
    expect(out).toContain('\x1b[2K… b: 0 pages, 0 records, 0 retries\n');
    // The second frame moves the cursor back over the first one (one line) before redrawing.
    expect(out).toContain('\x1b[1A');
  });
});
