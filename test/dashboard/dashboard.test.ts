import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../../src/dashboard/dashboard-server.js';
import type { RunTrace } from '../../src/pipeline/pipeline-trace.js';
import type { StoredSchema } from '../../src/schema/schema-types.js';
import { withDuckDb } from '../support/duckdb-reader.js';
import { DEMO_DATASET, type DemoPipeline, loadDemoPipeline } from './demo-pipeline.js';
import { findChromium, NO_CHROMIUM } from './find-chromium.js';

const CHROMIUM = findChromium();
const ARTIFACTS = resolve('.tmp/artifacts');
/** Every wait on the page is bounded by this. */
const WAIT_MS = 5_000;
const ROOT = `${DEMO_DATASET}.task_management`;

/** Rows of the open table's preview, as the page shows them: column name to cell text. */
async function previewRows(page: Page): Promise<Array<Record<string, string>>> {
  return page
    .getByTestId('preview-row')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Object.fromEntries(
          [...row.querySelectorAll('td')].map((td) => [td.dataset.column ?? '', td.textContent ?? '']),
        ),
      ),
    );
}

/** Waits until the preview has loaded at this filter and offset, and returns its total. */
async function previewReady(page: Page, filter: string, offset: number): Promise<number> {
  const preview = page.locator(
    `[data-testid="preview"][data-state="ready"][data-filter="${filter}"][data-offset="${offset}"]`,
  );
  await preview.waitFor({ timeout: WAIT_MS });
  return Number(await preview.getByTestId('preview-summary').getAttribute('data-total'));
}

async function applyFilter(page: Page, column: string, op: '=' | '~', value: string): Promise<void> {
  await page.getByTestId('filter-column').selectOption(column);
  await page.getByTestId('filter-op').selectOption(op);
  await page.getByTestId('filter-value').fill(value);
  await page.getByTestId('filter-apply').click();
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });

describe.skipIf(CHROMIUM === undefined)(
  `the dashboard in headless Chromium${CHROMIUM === undefined ? ` (${NO_CHROMIUM})` : ''}`,
  () => {
    let demo: DemoPipeline;
    let dashboard: Dashboard;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      demo = await loadDemoPipeline();
      dashboard = await startDashboard(demo.source(), { port: 0 });
      browser = await chromium.launch({
        executablePath: CHROMIUM as string,
        headless: true,
        timeout: 30_000,
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.setDefaultTimeout(WAIT_MS);
      await page.goto(dashboard.url, { timeout: WAIT_MS });
    });
    afterAll(async () => {
      await browser?.close();
      await dashboard?.close();
      await demo?.cleanup();
    });

    it('lists every table of the dataset with the row count DuckDB holds', async () => {
      await page.getByTestId('table-row').first().waitFor();
      const shown = await page
        .getByTestId('table-row')
        .evaluateAll((rows) =>
          rows.map((row): [string, number] => [
            row.getAttribute('data-table') ?? '',
            Number(row.querySelector('.table-rows')?.getAttribute('data-rows')),
          ]),
        );
      const expected = await withDuckDb(demo.file, async (query) => {
        const tables = await query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DEMO_DATASET}' ORDER BY table_name`,
        );
        const counts: Array<[string, number]> = [];
        for (const { table_name } of tables) {
          const [row] = await query(`SELECT count(*) AS n FROM ${DEMO_DATASET}."${String(table_name)}"`);
          counts.push([String(table_name), Number(row?.n)]);
        }
        return counts;
      });
      expect(new Map(shown)).toEqual(new Map(expected));
      expect(shown.map(([name]) => name)).toEqual(
        expect.arrayContaining(['task_management', 'task_management__tags', 'task_management__subtasks']),
      );
      expect(new Map(shown).get('task_management')).toBe(345);
      await screenshot(page, 'tables');
    });

    it("shows a table's columns with the stored schema's types and the database's types", async () => {
      await page.locator('[data-table="task_management"] .table-name').click();
      await page.getByTestId('schema-column').first().waitFor();
      const shown = await page.getByTestId('schema-column').evaluateAll((rows) =>
        rows.map((row) => ({
          name: row.querySelector('.column-name')?.textContent,
          dataType: row.querySelector('.column-type')?.textContent,
          dbType: row.querySelector('.column-db-type')?.textContent,
          nullable: row.querySelector('.column-nullable')?.textContent,
        })),
      );
      const stored = JSON.parse(
        await readFile(join(demo.workingDir, 'schemas', 'rest_api.schema.json'), 'utf8'),
      ) as StoredSchema;
      const columns = await withDuckDb(demo.file, (query) =>
        query(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${DEMO_DATASET}' AND table_name = 'task_management' ORDER BY ordinal_position`,
        ),
      );
      const storedColumns = stored.tables.task_management?.columns ?? {};
      expect(shown).toEqual(
        columns.map((c) => ({
          name: c.column_name,
          dataType: storedColumns[String(c.column_name)]?.data_type ?? '–',
          dbType: c.data_type,
          nullable: storedColumns[String(c.column_name)]?.nullable === false ? 'no' : 'yes',
        })),
      );
      // The seed config's column hints, as the user wrote them.
      expect(shown.slice(0, 4)).toEqual([
        { name: 'id', dataType: 'bigint', dbType: 'BIGINT', nullable: 'no' },
        { name: 'name', dataType: 'text', dbType: 'VARCHAR', nullable: 'no' },
        { name: 'status', dataType: 'text', dbType: 'VARCHAR', nullable: 'yes' },
        { name: 'created_at', dataType: 'timestamp', dbType: 'TIMESTAMP WITH TIME ZONE', nullable: 'yes' },
      ]);
      await screenshot(page, 'schema');
    });

    it("filters the preview to status = 'done' with the rows and count SQL gives", async () => {
      expect(await previewReady(page, '', 0)).toBe(345);
      await applyFilter(page, 'status', '=', 'done');
      const total = await previewReady(page, 'status = done', 0);
      const expected = await withDuckDb(demo.file, async (query) => ({
        total: Number((await query(`SELECT count(*) AS n FROM ${ROOT} WHERE status = 'done'`))[0]?.n),
        ids: (await query(`SELECT id FROM ${ROOT} WHERE status = 'done' ORDER BY id LIMIT 20`)).map((r) =>
          String(r.id),
        ),
      }));
      expect(expected.total).toBeGreaterThan(20);
      expect(total).toBe(expected.total);
      const rows = await previewRows(page);
      expect(rows.map((r) => r.id)).toEqual(expected.ids);
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['done']));
      await expect(page.getByTestId('preview-summary').textContent()).resolves.toContain(
        `rows 1–20 of ${expected.total}`,
      );
      await screenshot(page, 'filtered');
    });

    it('pages through the filtered rows in the order of the primary key', async () => {
      const ids = await withDuckDb(demo.file, async (query) =>
        (await query(`SELECT id FROM ${ROOT} WHERE status = 'done' ORDER BY id`)).map((r) => String(r.id)),
      );
      await page.getByTestId('preview-next').click();
      await previewReady(page, 'status = done', 20);
      expect((await previewRows(page)).map((r) => r.id)).toEqual(ids.slice(20, 40));
      const lastOffset = Math.floor((ids.length - 1) / 20) * 20;
      for (let offset = 40; offset <= lastOffset; offset += 20) {
        await page.getByTestId('preview-next').click();
        await previewReady(page, 'status = done', offset);
      }
      expect((await previewRows(page)).map((r) => r.id)).toEqual(ids.slice(lastOffset));
      expect(await page.getByTestId('preview-next').isDisabled()).toBe(true);
      await page.getByTestId('preview-prev').click();
      await previewReady(page, 'status = done', lastOffset - 20);
      expect((await previewRows(page)).map((r) => r.id)).toEqual(ids.slice(lastOffset - 20, lastOffset));
    });

    it('matches a contains filter without regard to case, as SQL does', async () => {
      await applyFilter(page, 'name', '~', 'REVIEW');
      const total = await previewReady(page, 'name ~ REVIEW', 0);
      const [expected] = await withDuckDb(demo.file, (query) =>
        query(`SELECT count(*) AS n FROM ${ROOT} WHERE name ILIKE '%review%'`),
      );
      expect(total).toBe(Number(expected?.n));
      expect(total).toBeGreaterThan(0);
      for (const row of await previewRows(page)) expect(row.name?.toLowerCase()).toContain('review');
    });

    it("shows the last run's report: status, resources and rows written per table", async () => {
      const trace = JSON.parse(await readFile(join(demo.workingDir, 'trace.json'), 'utf8')) as RunTrace;
      const run = page.locator('[data-testid="last-run"][data-status="completed"]');
      await run.waitFor();
      const resource = run.locator('[data-testid="run-resource"][data-resource="task_management"]');
      expect(await resource.locator('[data-field="pages"]').textContent()).toBe(
        String(trace.resources[0]?.pages),
      );
      expect(await resource.locator('[data-field="records"]').textContent()).toBe('345');
      const written = await run.getByTestId('run-rows').locator('tbody tr').allTextContents();
      const [load] = trace.loads;
      for (const [table, rows] of Object.entries(load?.rows ?? {})) {
        expect(written).toContain(`${load?.loadId}${table}${rows}`);
      }
      const [loadRow] = await withDuckDb(demo.file, (query) =>
        query(`SELECT load_id FROM ${DEMO_DATASET}._dlt_loads`),
      );
      await page.locator(`[data-testid="load-row"][data-load="${String(loadRow?.load_id)}"]`).waitFor();
      expect(await run.getByTestId('run-error').count()).toBe(0);
    });

    it("shows a failed run's error, with the API key it was given masked", async () => {
      const wrongKey = 'wrong-key-for-dashboard-test';
      await expect(demo.run(wrongKey)).rejects.toThrow(/401/);
      await page.reload({ timeout: WAIT_MS });
      const run = page.locator('[data-testid="last-run"][data-status="failed"]');
      await run.waitFor();
      const error = await run.getByTestId('run-error').first().textContent();
      expect(error).toContain('401');
      expect(error).toMatch(/api_key=\*\*\*/);
      expect(await page.content()).not.toContain(wrongKey);
      await previewReady(page, '', 0);
      await screenshot(page, 'failed-run');
    });
  },
);
