// The dataset's tables with their row counts; data tables first, dlt's own tables after them.
import { formatCount, html } from './format.js';

function TableRow({ table, selected, onSelect }) {
  return html`<tr
    data-testid="table-row"
    data-table=${table.name}
    class=${table.name === selected ? 'selected' : ''}
  >
    <td>
      <button type="button" class="link table-name" onClick=${() => onSelect(table.name)}>${table.name}</button>
      ${table.parent && html`<span class="muted"> ← ${table.parent}</span>`}
    </td>
    <td class="num table-rows" data-rows=${table.rows}>${formatCount(table.rows)}</td>
  </tr>`;
}

/** Every table of the dataset; a click shows its schema and rows. */
export function TablesPanel({ tables, error, selected, onSelect }) {
  const data = tables.filter((t) => !t.name.startsWith('_dlt_'));
  const system = tables.filter((t) => t.name.startsWith('_dlt_'));
  return html`<section class="panel" data-testid="tables-panel">
    <h2>Tables <span class="muted">(${tables.length})</span></h2>
    ${error && html`<div class="error" role="alert">${error}</div>`}
    <table data-testid="tables">
      <thead><tr><th>table</th><th>rows</th></tr></thead>
      <tbody>
        ${data.map((t) => html`<${TableRow} key=${t.name} table=${t} selected=${selected} onSelect=${onSelect} />`)}
      </tbody>
      <tbody class="system">
        ${system.map((t) => html`<${TableRow} key=${t.name} table=${t} selected=${selected} onSelect=${onSelect} />`)}
      </tbody>
    </table>
  </section>`;
}
