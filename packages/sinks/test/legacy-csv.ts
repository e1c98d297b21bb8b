/**
 * The CSV encoder the sinks had before DuckDB wrote them (JavaScript, one row object at a time),
 * kept only as the oracle the DuckDB CSV is checked against.
 */
import { SUMMARY_COLUMNS, type SummaryRow } from '@ocpsum/core';

/** Lines per string yielded: big enough to write efficiently, small enough to never hold the whole output. */
const BATCH_LINES = 2048;

export interface CsvOptions {
  /** A first line of column names. */
  header?: boolean;
  /** An extra first cell per row, already CSV (e.g. a row id or a grouping key), and its header name. */
  lead?: { name: string; cell: (row: SummaryRow) => string };
}

/**
 * Summary rows as RFC 4180 CSV, in batches of lines. NULL is an empty cell; an empty string is
 * written as `""` so the two stay apart. Numbers keep full precision. Label JSON repeats from row
 * to row, so each distinct JSON text is quoted once.
 */
export function* csvBatches(
  rows: readonly SummaryRow[],
  columns: readonly (keyof SummaryRow)[],
  options: CsvOptions = {},
): Generator<string> {
  const kinds = columns.map((c) => SUMMARY_COLUMNS[c]);
  const quotedJson = new Map<string, string>();
  const json = (value: string) => {
    let cell = quotedJson.get(value);
    if (cell === undefined) {
      cell = csvCell(value);
      quotedJson.set(value, cell);
    }
    return cell;
  };
  const { lead } = options;
  let batch = options.header ? (lead ? `${lead.name},` : '') + columns.join(',') + '\n' : '';
  let lines = 0;
  for (const row of rows) {
    let line = lead ? lead.cell(row) + ',' : '';
    for (let i = 0; i < columns.length; i++) {
      const value = row[columns[i]];
      if (i > 0) line += ',';
      if (value === null) continue;
      const kind = kinds[i];
      line +=
        kind === 'number' || kind === 'integer'
          ? String(value)
          : kind === 'json'
            ? json(value as string)
            : csvCell(value);
    }
    batch += line + '\n';
    if (++lines === BATCH_LINES) {
      yield batch;
      batch = '';
      lines = 0;
    }
  }
  if (batch) yield batch;
}

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value === '' || /[",\n\r]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
