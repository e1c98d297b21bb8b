/**
 * Summary rows as text, from any sink (CSV, PostgreSQL, Parquet read back with DuckDB), compared as
 * koku would read them: numbers within 1e-9 relative, JSON columns as JSON values (key order and
 * spacing do not matter), everything else exactly. Every mismatch names its row and column.
 */
import { expect } from 'vitest';
import { SUMMARY_COLUMNS, type SummaryRow } from '@ocpsum/core';
import { sameNumber } from './rows.js';

export interface Table {
  header: string[];
  rows: (string | null)[][];
}

const kindOf = (column: string) => SUMMARY_COLUMNS[column as keyof SummaryRow];

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

/** JSON made canonical; unless `ordered`, rows sorted by their non-numeric columns. */
function normalize(table: Table, ordered: boolean): Table {
  const rows = table.rows.map((row) =>
    row.map((cell, c) => (cell !== null && kindOf(table.header[c]) === 'json' ? canonicalJson(cell) : cell)),
  );
  if (!ordered) {
    const keyColumns = table.header.map((h, c) => (kindOf(h) === 'number' ? -1 : c)).filter((c) => c >= 0);
    const key = (row: (string | null)[]) => keyColumns.map((c) => row[c] ?? '\u0000').join('\u0001');
    rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return { header: table.header, rows };
}

/** Same rows (in the same order when `ordered`); returns the row count. */
export function expectSameTable(actual: Table, expected: Table, options: { ordered?: boolean } = {}): number {
  const a = normalize(actual, options.ordered ?? false);
  const e = normalize(expected, options.ordered ?? false);
  expect(a.header).toEqual(e.header);
  expect(a.rows.length, 'row count').toBe(e.rows.length);
  for (let r = 0; r < e.rows.length; r++) {
    for (let c = 0; c < e.header.length; c++) {
      const x = a.rows[r][c];
      const y = e.rows[r][c];
      if (x === y) continue;
      const column = e.header[c];
      if (kindOf(column) === 'number' && x !== null && y !== null && sameNumber(Number(x), Number(y))) continue;
      expect.fail(`row ${r + 1} (${e.rows[r].slice(0, 8).join(' ')}) column ${column}: got ${x}, expected ${y}`);
    }
  }
  return e.rows.length;
}
