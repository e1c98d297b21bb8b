/** Summary rows as text from the CSV and PostgreSQL sinks, for comparison with `expectSameTable`. */
import pg from 'pg';
import type { Table } from '../helpers/tables.js';

export const SUMMARY = 'reporting_ocpusagelineitem_daily_summary';

/** koku's table has no csi_volume_handle column (koku keeps it in Hive only): the CSV's other columns. */
export function withoutCsi(table: Table): Table {
  const keep = table.header.map((h, c) => (h === 'csi_volume_handle' ? -1 : c)).filter((c) => c >= 0);
  return { header: keep.map((c) => table.header[c]), rows: table.rows.map((r) => keep.map((c) => r[c])) };
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
