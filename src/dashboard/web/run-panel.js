// The last run, from the pipeline's trace.json: status, steps, resources, rows, warnings, retries, error.
import { formatCount, formatDuration, formatTime, html } from './format.js';

const formatBytes = (n) =>
  n === undefined
    ? '–'
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1024 / 1024).toFixed(1)} MiB`;

// `bytes` and `timings` came with the run report (docs/run-report.md); older traces lack them.
function Resources({ resources }) {
  if (resources.length === 0) return null;
  return html`<table data-testid="run-resources">
    <thead>
      <tr>
        <th>resource</th><th>pages</th><th>records</th><th>requests</th><th>retries</th><th>received</th>
        <th>waiting on API</th><th>rate limits</th><th>stopped because</th>
      </tr>
    </thead>
    <tbody>
      ${resources.map(
        (r) => html`<tr key=${r.name} data-testid="run-resource" data-resource=${r.name}>
          <td>${r.name}</td>
          <td class="num" data-field="pages">${formatCount(r.pages)}</td>
          <td class="num" data-field="records">${formatCount(r.records)}</td>
          <td class="num" data-field="requests">${formatCount(r.requests)}</td>
          <td class="num" data-field="retries">${formatCount(r.retries)}</td>
          <td class="num">${formatBytes(r.bytes)}</td>
          <td class="num">${formatDuration(r.timings?.requestMs)}</td>
          <td class="num">${formatDuration(r.timings?.rateLimitMs)}</td>
          <td>${r.stopReason ?? '–'}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The run's error and every error a resource reported, each with its stable code. */
function Errors({ run }) {
  const errors = [
    ...(run.error ? [run.error] : []),
    ...run.resources.flatMap((r) => (r.errors ?? []).map((e) => ({ ...e, resource: r.name }))),
  ];
  const seen = new Set();
  const unique = errors.filter((e) => {
    const key = `${e.code}\n${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.map(
    (e, i) => html`<div key=${i} class="error" data-testid="run-error" role="alert">
      <strong>${e.code}</strong>${e.resource ? ` (${e.resource})` : ''}: ${e.message}
    </div>`,
  );
}

function RowsWritten({ loads }) {
  const rows = loads.flatMap((load) =>
    Object.entries(load.rows).map(([table, n]) => ({ load: load.loadId, table, n })),
  );
  if (rows.length === 0) return html`<p class="muted">No rows were loaded.</p>`;
  return html`<table data-testid="run-rows">
    <thead><tr><th>load</th><th>table</th><th>rows written</th></tr></thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr key=${`${r.load}/${r.table}`}><td>${r.load}</td><td>${r.table}</td><td class="num">${formatCount(r.n)}</td></tr>`,
      )}
    </tbody>
  </table>`;
}

function RetryLog({ retries }) {
  if (retries.length === 0) return null;
  return html`<details>
    <summary>${retries.length} retries</summary>
    <ul class="log">
      ${retries.map(
        (r, i) =>
          html`<li key=${i}>${r.resource} attempt ${r.attempt}: ${r.reason}, waited ${formatDuration(r.waitMs)} — ${r.url}</li>`,
      )}
    </ul>
  </details>`;
}

/** The last run's report and errors. */
export function RunPanel({ run }) {
  if (!run) {
    return html`<section class="panel wide" data-testid="last-run" data-status="none">
      <h2>Last run</h2>
      <p class="muted">No trace: the pipeline has not run from this home folder.</p>
    </section>`;
  }
  const duration = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return html`<section class="panel wide" data-testid="last-run" data-status=${run.status}>
    <h2>Last run <span class=${`badge ${run.status}`} data-testid="run-status">${run.status}</span></h2>
    <p>
      ${`Started ${formatTime(run.startedAt)}, took ${formatDuration(duration)}; `}
      ${`${formatCount(run.requests)} requests, ${formatCount(run.retries)} retries.`}
    </p>
    <${Errors} run=${run} />
    <p class="steps">
      ${run.steps.map(
        (s) =>
          html`<span key=${s.step} class=${s.ok ? 'step ok' : 'step failed'}>${s.step} ${formatDuration(s.durationMs)}</span>`,
      )}
    </p>
    <${Resources} resources=${run.resources} />
    <${RowsWritten} loads=${run.loads} />
    ${
      run.warnings.length > 0 &&
      html`<ul class="warnings" data-testid="run-warnings">
        ${run.warnings.map((w, i) => html`<li key=${i}>${w}</li>`)}
      </ul>`
    }
    <${RetryLog} retries=${run.retryLog} />
  </section>`;
}
