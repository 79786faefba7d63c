// The dashboard page: Preact components written with htm (no build step), served by
// src/dashboard/dashboard-server.ts with Preact and htm from node_modules.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';
import { formatCount, html } from './format.js';
import { LoadsPanel } from './loads-panel.js';
import { RunPanel } from './run-panel.js';
import { TablePanel } from './table-panel.js';
import { TablesPanel } from './tables-panel.js';

const selectedFromHash = () => decodeURIComponent(location.hash.replace(/^#/, ''));

function Header({ pipeline, onRefresh }) {
  return html`<header>
    <h1>Tributary · <span data-testid="pipeline-name">${pipeline.pipeline}</span></h1>
    <p class="muted">
      dataset <strong data-testid="dataset">${pipeline.dataset}</strong>
      ${` in ${pipeline.destination.type} ${pipeline.destination.location}`}
      ${` · state version ${pipeline.stateVersion ?? '–'} · ${formatCount(pipeline.pendingPackages.length)} pending packages `}
      <button type="button" onClick=${onRefresh}>Refresh</button>
    </p>
    ${
      pipeline.destination.error &&
      html`<div class="error" role="alert" data-testid="destination-error">${pipeline.destination.error}</div>`
    }
  </header>`;
}

function App() {
  const [pipeline, setPipeline] = useState(null);
  const [tables, setTables] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(selectedFromHash());
  const [version, setVersion] = useState(0);
  useEffect(() => {
    Promise.all([getJson('/api/pipeline'), getJson('/api/tables')])
      .then(([p, t]) => {
        setPipeline(p);
        setTables(t);
        setError(null);
      })
      .catch((e) => setError(e.message));
  }, [version]);
  useEffect(() => {
    const onHash = () => setSelected(selectedFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const select = (name) => {
    location.hash = encodeURIComponent(name);
    setSelected(name);
  };
  if (error) return html`<div class="error" role="alert">${error}</div>`;
  if (!pipeline || !tables) return html`<p class="muted">Loading…</p>`;
  const table = tables.tables.find((t) => t.name === selected);
  return html`<div data-testid="dashboard">
    <${Header} pipeline=${pipeline} onRefresh=${() => setVersion(version + 1)} />
    <main>
      <${RunPanel} run=${pipeline.lastRun} />
      <${LoadsPanel} loads=${pipeline.loads} />
      <${TablesPanel} tables=${tables.tables} error=${tables.error} selected=${selected} onSelect=${select} />
      ${table ? html`<${TablePanel} key=${`${table.name}/${version}`} table=${table} />` : html`<section class="panel wide muted">Pick a table to see its schema and rows.</section>`}
    </main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
