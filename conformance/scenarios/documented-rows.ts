import type { DatasetSnapshot } from '../dataset-snapshot.js';
import type { DocumentedDifference } from '../scenario.js';

/**
 * "A `bigint` column meets a fraction": dlt keeps the column BIGINT and puts fractions into a
 * variant column `<column>__v_double`; Tributary widens the column to DOUBLE and keeps every
 * value in it.
 */
export function widenedToDouble(table: string, column: string): DocumentedDifference {
  return {
    row: 'A `bigint` column meets a fraction',
    adjust: (dlt: DatasetSnapshot) => {
      const t = dlt[table];
      if (!t?.rows) return;
      const variant = `${column}__v_double`;
      t.columns = t.columns
        .filter(([name]) => name !== variant)
        .map(([name, type, nullable]) => [name, name === column ? 'DOUBLE' : type, nullable]);
      for (const row of t.rows) {
        const whole = row[column];
        row[column] = row[variant] ?? (whole === null || whole === undefined ? null : Number(whole));
        delete row[variant];
      }
    },
  };
}

/**
 * "Integer-like keys": Tributary puts the columns from keys like `"2024"` first, in numeric order
 * (JavaScript object order); dlt keeps the record's key order. `columns` are their normalized
 * names, in numeric order of the keys. Names, types and values are the same.
 */
export function integerKeysFirst(table: string, columns: string[]): DocumentedDifference {
  return {
    row: 'Integer-like keys (`"2024"`, `"1"`)',
    adjust: (dlt: DatasetSnapshot) => {
      const t = dlt[table];
      if (!t) return;
      const first = columns.flatMap((name) => t.columns.filter(([c]) => c === name));
      t.columns = [...first, ...t.columns.filter(([name]) => !columns.includes(name))];
    },
  };
}

/** "Parent/child request order": the same requests, children right after each parent page. */
export const childOrder: DocumentedDifference = {
  row: 'Parent/child request order',
  kind: 'requests',
  pattern: /^request order/,
};

/** "A detected `page_number` on an API that counts pages from 1": the loop guard fails the resource. */
export const pagesFromOne: DocumentedDifference[] = ['outcome', 'requests', 'tables', 'rows', 'system'].map(
  (kind) => ({
    row: 'A detected `page_number` on an API that counts pages from 1',
    kind: kind as NonNullable<DocumentedDifference['kind']>,
  }),
);
