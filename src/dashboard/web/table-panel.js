// One table: its schema (stored types beside the database's) and a filtered, paged data preview.
import { useEffect, useState } from 'preact/hooks';
import { getJson, rowsUrl } from './api.js';
import { formatCell, formatCount, html } from './format.js';

const PAGE = 20;

function SchemaTable({ table }) {
  return html`<table data-testid="schema">
    <thead><tr><th>column</th><th>data type</th><th>database type</th><th>nullable</th><th>hints</th></tr></thead>
    <tbody>
      ${table.columns.map(
        (c) => html`<tr key=${c.name} data-testid="schema-column" data-column=${c.name}>
          <td class="column-name">${c.name}</td>
          <td class="column-type">${c.dataType ?? '–'}</td>
          <td class="column-db-type">${c.dbType ?? '–'}</td>
          <td class="column-nullable">${c.nullable ? 'yes' : 'no'}</td>
          <td class="column-hints">${c.hints.join(', ')}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function FilterForm({ columns, onApply }) {
  const [column, setColumn] = useState(columns[0] ?? '');
  const [op, setOp] = useState('=');
  const [value, setValue] = useState('');
  const submit = (event) => {
    event.preventDefault();
    onApply(`${column} ${op} ${value}`);
  };
  const clear = () => {
    setValue('');
    onApply('');
  };
  return html`<form class="filter" onSubmit=${submit} data-testid="filter">
    <select aria-label="column" data-testid="filter-column" value=${column} onChange=${(e) => setColumn(e.currentTarget.value)}>
      ${columns.map((c) => html`<option key=${c} value=${c}>${c}</option>`)}
    </select>
    <select aria-label="operator" data-testid="filter-op" value=${op} onChange=${(e) => setOp(e.currentTarget.value)}>
      <option value="=">equals</option>
      <option value="~">contains</option>
    </select>
    <input aria-label="value" data-testid="filter-value" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />
    <button type="submit" data-testid="filter-apply">Filter</button>
    <button type="button" data-testid="filter-clear" onClick=${clear}>Clear</button>
  </form>`;
}

function Preview({ table }) {
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState({ key: null });
  // The page answered for this filter and offset: until it arrives the preview is 'loading' (the
  // effect that fetches it runs after the render that shows the new offset).
  const key = `${filter}\n${offset}`;
  useEffect(() => {
    let current = true;
    getJson(rowsUrl(table.name, { filter, offset, limit: PAGE }))
      .then((data) => current && setPage({ key, state: 'ready', data }))
      .catch((error) => current && setPage((p) => ({ ...p, key, state: 'error', error: error.message })));
    return () => {
      current = false;
    };
  }, [table.name, filter, offset, key]);
  const apply = (text) => {
    setOffset(0);
    setFilter(text);
  };
  const state = page.key === key ? page.state : 'loading';
  const data = page.data;
  const first = data && data.total > 0 ? data.offset + 1 : 0;
  const last = data ? data.offset + data.rows.length : 0;
  return html`<div data-testid="preview" data-state=${state} data-filter=${filter} data-offset=${offset}>
    <${FilterForm} key=${table.name} columns=${table.columns.map((c) => c.name)} onApply=${apply} />
    ${state === 'error' && html`<div class="error" role="alert" data-testid="preview-error">${page.error}</div>`}
    ${
      data &&
      html`<p class="pager">
        <span data-testid="preview-summary" data-total=${data.total}>
          rows ${formatCount(first)}–${formatCount(last)} of ${formatCount(data.total)}${filter ? ` matching ${filter}` : ''}
        </span>
        <button type="button" data-testid="preview-prev" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
        <button type="button" data-testid="preview-next" disabled=${last >= data.total} onClick=${() => setOffset(offset + PAGE)}>Next</button>
      </p>
      <div class="scroll">
        <table data-testid="preview-table">
          <thead><tr>${data.columns.map((c) => html`<th key=${c}>${c}</th>`)}</tr></thead>
          <tbody>
            ${data.rows.map(
              (row, i) => html`<tr key=${i} data-testid="preview-row">
                ${data.columns.map((c) => html`<td key=${c} data-column=${c}>${formatCell(row[c])}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
  </div>`;
}

/** The selected table: schema and data. */
export function TablePanel({ table }) {
  return html`<section class="panel wide" data-testid="table-panel" data-table=${table.name}>
    <h2>${table.name} <span class="muted">${formatCount(table.rows)} rows</span></h2>
    <p class="muted">
      ${table.resource ? `resource ${table.resource}` : ''}
      ${table.writeDisposition ? ` · ${table.writeDisposition}` : ''}
      ${table.parent ? ` · child of ${table.parent}` : ''}
      ${table.schemaName ? ` · schema ${table.schemaName}` : ' · not in the stored schema'}
    </p>
    <h3>Schema</h3>
    <${SchemaTable} table=${table} />
    <h3>Data</h3>
    <${Preview} key=${table.name} table=${table} />
  </section>`;
}
