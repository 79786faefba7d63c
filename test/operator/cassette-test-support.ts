import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDuckDb } from '../support/duckdb-reader.js';

/** Characters that look different raw, URL-encoded and form-encoded. */
export const FAKE_KEY = 'tributary_fake_key_RECORD+/=';
/** The dataset both runs of a test load into. */
export const DATASET = 'tasks_dataset';
const SYSTEM_COLUMNS = new Set(['_dlt_id', '_dlt_load_id', '_dlt_parent_id', '_dlt_root_id']);

/** The config a user would commit: the task API with a parent resource and a child per task. */
export const configYaml = (baseUrl: string, limit = 20) => `
client:
  base_url: ${baseUrl}
  auth: { type: api_key, name: api_key, api_key: "{secrets.api_key}", location: query }
  retry: { max_retries: 6, backoff_factor: 0.01, status_codes: [429, 503] }
resource_defaults: { primary_key: id, write_disposition: merge }
resources:
  - name: tasks
    endpoint: { path: /v1/tasks, data_selector: data, paginator: { type: offset, limit: ${limit} } }
  - name: task_details
    endpoint: { path: "/v1/tasks/{resources.tasks.id}" }
    include_from_parent: [name]
`;

/**
 * Every table of the dataset, rows in a stable order, without the random ids and load ids (which
 * differ between any two runs); child rows carry their root row's `id` instead of `_dlt_root_id`.
 */
export async function snapshot(file: string): Promise<Record<string, unknown[]>> {
  return withDuckDb(file, async (query) => {
    const columns = await query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = '${DATASET}' AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY table_name, ordinal_position`,
    );
    const byTable = new Map<string, string[]>();
    for (const { table_name, column_name } of columns) {
      const list = byTable.get(String(table_name)) ?? [];
      list.push(String(column_name));
      byTable.set(String(table_name), list);
    }
    const out: Record<string, unknown[]> = {};
    for (const [table, names] of byTable) {
      const kept = names.filter((name) => !SYSTEM_COLUMNS.has(name)).map((name) => `c."${name}"`);
      const root = table.split('__')[0] as string;
      const child = names.includes('_dlt_root_id');
      out[table] = await query(
        child
          ? `SELECT r.id AS root_id, ${kept.join(', ')} FROM ${DATASET}."${table}" c
             JOIN ${DATASET}."${root}" r ON c._dlt_root_id = r._dlt_id ORDER BY ALL`
          : `SELECT ${kept.join(', ')} FROM ${DATASET}."${table}" c ORDER BY ALL`,
      );
    }
    out.columns = columns;
    return out;
  });
}

/** Every file of a folder, recursively, as text. */
export async function readAll(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
}

/** A secret as it may appear in a file: raw, URL-encoded, form-encoded, JSON-escaped, base64. */
export function secretForms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ];
}
