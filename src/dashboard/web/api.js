// The dashboard's JSON API (read-only), as the server in src/dashboard/dashboard-server.ts serves it.

/** GETs a JSON document; a non-2xx answer throws with the server's message. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** The URL of one page of a table's rows. */
export function rowsUrl(table, { filter, offset, limit }) {
  const params = new URLSearchParams({ offset: String(offset), limit: String(limit) });
  if (filter) params.set('filter', filter);
  return `/api/tables/${encodeURIComponent(table)}/rows?${params}`;
}
