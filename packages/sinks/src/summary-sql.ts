import { SUMMARY_COLUMNS, SUMMARY_ORDER_BY, SUMMARY_SQL_TYPES, validIdentifier, type SummaryRow } from '@ocpsum/core';
import type { SummarySource } from './interfaces.js';

/** The source's table as SQL text: each part validated by core's one identifier rule, never quoted. */
export function tableName(source: SummarySource): string {
  const parts = source.table.split('.');
  try {
    if (parts.length > 2) throw new Error('too many parts');
    return parts.map(validIdentifier).join('.');
  } catch {
    throw new Error(`summary table "${source.table}": expected an identifier or schema.name`);
  }
}

/**
 * Checks that the source's table has exactly `SUMMARY_COLUMNS`, in order, with `SUMMARY_SQL_TYPES`:
 * the sinks write its columns as they are, so a wrong type would reach the outputs.
 */
export async function checkSummarySource(source: SummarySource): Promise<void> {
  const reader = await source.db.runAndReadAll(`DESCRIBE SELECT * FROM ${tableName(source)}`);
  const actual = (reader.getRowObjectsJS() as { column_name: string; column_type: string }[]).map(
    (c) => `${c.column_name} ${c.column_type}`,
  );
  const expected = Object.entries(SUMMARY_COLUMNS).map(([c, kind]) => `${c} ${SUMMARY_SQL_TYPES[kind]}`);
  if (actual.join(', ') !== expected.join(', ')) {
    const differ = expected.findIndex((e, i) => actual[i] !== e);
    throw new Error(
      `summary table ${source.table}: column ${differ + 1} is ${actual[differ] ?? 'missing'}, expected ${expected[differ] ?? 'none'} ` +
        `(the sinks read core's SUMMARY_COLUMNS in order)`,
    );
  }
}

export interface SelectOptions {
  /** SQL expressions written before the columns, e.g. `uuid() AS uuid`. */
  lead?: readonly string[];
  /** A condition on the rows, SQL text built from validated values only. */
  where?: string;
  /** A column's expression in the output; the column itself by default. */
  column?: (column: keyof SummaryRow) => string;
}

/** The query of what a sink writes: the columns chosen, in `SUMMARY_ORDER_BY`. */
export function summarySelect(
  source: SummarySource,
  columns: readonly (keyof SummaryRow)[],
  options: SelectOptions = {},
): string {
  const expressions = [...(options.lead ?? []), ...columns.map(options.column ?? ((c) => c))];
  return (
    `SELECT ${expressions.join(', ')} FROM ${tableName(source)}` +
    (options.where ? ` WHERE ${options.where}` : '') +
    ` ORDER BY ${SUMMARY_ORDER_BY}`
  );
}

/** The distinct values of an integer column, NULL left out, ascending: what few things JavaScript needs. */
export async function distinctIntegers(source: SummarySource, column: keyof SummaryRow): Promise<number[]> {
  const reader = await source.db.runAndReadAll(
    `SELECT DISTINCT ${column} AS v FROM ${tableName(source)} WHERE ${column} IS NOT NULL ORDER BY v`,
  );
  return (reader.getColumnsJS()[0] ?? []).map(Number);
}

/** The distinct days of `usage_start`, as `YYYY-MM-DD`, ascending. */
export async function summaryDays(source: SummarySource): Promise<string[]> {
  const reader = await source.db.runAndReadAll(
    `SELECT DISTINCT strftime(usage_start, '%Y-%m-%d') AS day FROM ${tableName(source)} WHERE usage_start IS NOT NULL ORDER BY day`,
  );
  return (reader.getColumnsJS()[0] ?? []).map(String);
}
