/**
 * Summary rows as strings, from any sink (CSV, PostgreSQL, Parquet read back with DuckDB), compared
 * as koku would read them: numbers within 1e-9 relative, label columns as JSON values (so jsonb's
 * key order and spacing do not matter), everything else exactly.
 */
import { expect } from 'vitest';
import pg from 'pg';
import { readCsv } from '../helpers/csv.js';
import { sameNumber } from '../helpers/rows.js';

export interface Table {
  header: string[];
  rows: (string | null)[][];
}

export const JSON_COLUMNS = new Set(['pod_labels', 'volume_labels', 'all_labels', 'infrastructure_usage_cost']);
const EXACT_COLUMNS = new Set([
  'report_period_id',
  'cluster_id',
  'cluster_alias',
  'data_source',
  'usage_start',
  'usage_end',
  'namespace',
  'node',
  'resource_id',
  'pod',
  'persistentvolumeclaim',
  'persistentvolume',
  'storageclass',
  'source_uuid',
  'csi_volume_handle',
  'cost_category_id',
]);

export const SUMMARY = 'reporting_ocpusagelineitem_daily_summary';

/** Sorted-key compact JSON, so two spellings of one JSON value compare equal. */
function canonicalJson(text: string): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, sort((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify(sort(JSON.parse(text)));
}

function normalize(table: Table): Table {
  const rows = table.rows.map((row) =>
    row.map((cell, c) => (cell !== null && JSON_COLUMNS.has(table.header[c]) ? canonicalJson(cell) : cell)),
  );
  const keyColumns = table.header
    .map((h, c) => (EXACT_COLUMNS.has(h) || JSON_COLUMNS.has(h) ? c : -1))
    .filter((c) => c >= 0);
  const key = (row: (string | null)[]) => keyColumns.map((c) => row[c] ?? '\u0000').join('\u0001');
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { header: table.header, rows };
}

/** Same rows in any order; names the first row and column that differ. Returns the row count. */
export function expectSameTable(actual: Table, expected: Table): number {
  const a = normalize(actual);
  const e = normalize(expected);
  expect(a.header).toEqual(e.header);
  expect(a.rows.length, 'row count').toBe(e.rows.length);
  for (let r = 0; r < e.rows.length; r++) {
    for (let c = 0; c < e.header.length; c++) {
      const x = a.rows[r][c];
      const y = e.rows[r][c];
      if (x === y) continue;
      const column = e.header[c];
      const numeric = !EXACT_COLUMNS.has(column) && !JSON_COLUMNS.has(column) && x !== null && y !== null;
      if (numeric && sameNumber(Number(x), Number(y))) continue;
      expect.fail(`row ${r + 1} (${e.rows[r].slice(0, 8).join(' ')}) column ${column}: got ${x}, expected ${y}`);
    }
  }
  return e.rows.length;
}

export async function csvTable(path: string): Promise<Table> {
  return readCsv(path);
}

/** The summary rows of a schema as text, in the CSV's columns; optionally only some days. */
export async function pgTable(
  client: pg.Client,
  schema: string,
  header: string[],
  days?: { from: string; to: string },
): Promise<Table> {
  const where = days ? 'WHERE usage_start BETWEEN $1 AND $2' : '';
  const result = await client.query({
    text: `SELECT ${header.map((c) => `${c}::text`).join(', ')} FROM ${schema}.${SUMMARY} ${where}`,
    values: days ? [days.from, days.to] : [],
    rowMode: 'array',
  });
  return { header, rows: result.rows as (string | null)[][] };
}

/** Only the rows of some days. */
export function filterDays(table: Table, from: string, to: string): Table {
  const c = table.header.indexOf('usage_start');
  return { header: table.header, rows: table.rows.filter((r) => r[c]! >= from && r[c]! <= to) };
}

/** Rows per usage_start. */
export function perDay(table: Table): Record<string, number> {
  const c = table.header.indexOf('usage_start');
  const counts: Record<string, number> = {};
  for (const row of table.rows) counts[row[c]!] = (counts[row[c]!] ?? 0) + 1;
  return counts;
}

export async function pgPerDay(client: pg.Client, schema: string): Promise<Record<string, number>> {
  const { rows } = await client.query<{ day: string; n: string }>(
    `SELECT usage_start::text AS day, count(*) AS n FROM ${schema}.${SUMMARY} GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.day, Number(r.n)]));
}
