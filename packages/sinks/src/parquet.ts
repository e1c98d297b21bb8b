import { sqlString, SUMMARY_COLUMNS, summaryColumns, type RunSpec, type SummaryRow } from '@ocpsum/core';
import { prepareFile } from './files.js';
import type { PreparedOutput, SummarySource } from './interfaces.js';
import { summarySelect } from './summary-sql.js';

/** Integers are written as INT64, as ocpsum's Parquet always had them; the other columns keep their type. */
const parquetColumn = (column: keyof SummaryRow) =>
  SUMMARY_COLUMNS[column] === 'integer' ? `CAST(${column} AS BIGINT) AS ${column}` : column;

/**
 * Writes the summary's rows (those of `where`, all by default) as one Parquet file with DuckDB's
 * `COPY … TO`, in `SUMMARY_ORDER_BY`: dates as DATE, sums as DOUBLE, labels as JSON text, Snappy.
 */
export async function copyParquet(
  source: SummarySource,
  columns: readonly (keyof SummaryRow)[],
  path: string,
  where?: string,
): Promise<void> {
  await source.db.run(
    `COPY (${summarySelect(source, columns, { where, column: parquetColumn })}) TO ${sqlString(path)} ` +
      `(FORMAT parquet, COMPRESSION snappy)`,
  );
}

/** `FILE.parquet`: every row in one file; written aside, renamed on commit. */
export function prepareParquet(target: string, source: SummarySource, spec: RunSpec): Promise<PreparedOutput> {
  return prepareFile(target, (temporary) => copyParquet(source, summaryColumns(spec.byPod), temporary));
}
