// Loads over time: a bar per load (rows it wrote, or rows of it still in the dataset) and a table.
import { formatCount, formatTime, html, sumValues } from './format.js';

const STATUS = { 0: 'loaded' };

const rowsOf = (load) => (load.rowsLoaded ? sumValues(load.rowsLoaded) : sumValues(load.rowsNow));

function Chart({ loads }) {
  const width = 600;
  const height = 120;
  const most = Math.max(1, ...loads.map(rowsOf));
  const step = width / Math.max(loads.length, 1);
  const bar = Math.max(2, Math.min(40, step * 0.7));
  return html`<svg class="chart" viewBox=${`0 0 ${width} ${height + 16}`} role="img" aria-label="rows per load">
    ${loads.map((load, i) => {
      const h = Math.max(1, (rowsOf(load) / most) * height);
      return html`<rect key=${load.loadId} x=${i * step + (step - bar) / 2} y=${height - h} width=${bar} height=${h}>
        <title>${`${load.loadId} at ${formatTime(load.time)}: ${formatCount(rowsOf(load))} rows`}</title>
      </rect>`;
    })}
    <line x1="0" x2=${width} y1=${height + 0.5} y2=${height + 0.5} />
    <text x="0" y=${height + 14}>${formatTime(loads[0]?.time)}</text>
    <text x=${width} y=${height + 14} text-anchor="end">${formatTime(loads.at(-1)?.time)}</text>
  </svg>`;
}

/** The pipeline's loads, oldest first, from `_dlt_loads` and the local packages. */
export function LoadsPanel({ loads }) {
  return html`<section class="panel" data-testid="loads">
    <h2>Loads <span class="muted">(${loads.length})</span></h2>
    ${loads.length === 0 && html`<p class="muted">No loads yet.</p>`}
    ${loads.length > 0 && html`<${Chart} loads=${loads} />`}
    ${
      loads.length > 0 &&
      html`<table>
        <thead><tr><th>load id</th><th>time</th><th>status</th><th>rows written</th><th>rows in dataset now</th></tr></thead>
        <tbody>
          ${[...loads].reverse().map(
            (load) => html`<tr key=${load.loadId} data-testid="load-row" data-load=${load.loadId}>
              <td>${load.loadId}</td>
              <td class="nowrap">${formatTime(load.time)}</td>
              <td>${load.status === null ? 'local only' : (STATUS[load.status] ?? `status ${load.status}`)}</td>
              <td class="num">${load.rowsLoaded ? formatCount(sumValues(load.rowsLoaded)) : '–'}</td>
              <td class="num">${formatCount(sumValues(load.rowsNow))}</td>
            </tr>`,
          )}
        </tbody>
      </table>`
    }
  </section>`;
}
