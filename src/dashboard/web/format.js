// Rendering helpers shared by the panels: htm bound to Preact, numbers, times, durations.
import htm from 'htm';
import { h } from 'preact';

export const html = htm.bind(h);

const numbers = new Intl.NumberFormat('en-US');

export const formatCount = (n) => (n === null || n === undefined ? '–' : numbers.format(n));

/** An ISO time as `2024-05-01 12:00:00 UTC` (the database keeps UTC). */
export function formatTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A cell of the data preview: null, objects as JSON, the rest as text. */
export function formatCell(value) {
  if (value === null || value === undefined) return html`<span class="null">NULL</span>`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export const sumValues = (record) => Object.values(record ?? {}).reduce((n, v) => n + v, 0);
