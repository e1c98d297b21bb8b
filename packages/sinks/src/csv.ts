import type { SummaryRow } from '@ocpsum/core';

/**
 * RFC 4180 CSV with a header row. NULL is an empty cell; an empty string is written as `""`
 * so the two stay apart. Numbers keep full precision.
 */
export function toCsv(rows: readonly SummaryRow[], columns: readonly (keyof SummaryRow)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return lines.join('\n') + '\n';
}

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value === '' || /[",\n\r]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
