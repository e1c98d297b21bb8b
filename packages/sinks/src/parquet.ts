import { sqlString, SUMMARY_COLUMNS, summaryColumns, type RunSpec, type SummaryRow } from '@ocpsum/core';
import type { Sink, SummarySource } from './interfaces.js';
import { fileSink } from './file-sink.js';
import { summarySelect } from './summary-sql.js';

/** Integers are written as INT64, as ocpsum's Parquet always had them; the other columns keep their type. */
const parquetColumn = (column: keyof SummaryRow) =>
  SUMMARY_COLUMNS[column] === 'integer' ? `CAST(${column} AS BIGINT) AS ${column}` : column;

const PARQUET = '(FORMAT parquet, COMPRESSION snappy)';

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
    `COPY (${summarySelect(source, columns, { where, column: parquetColumn })}) TO ${sqlString(path)} ${PARQUET}`,
  );
}

/**
 * `FILE.parquet`: every row in one file. Each part is staged as Parquet per data source; the commit
 * has DuckDB read the parts in order (insertion order is kept, nothing is sorted again) into one
 * file beside the target, renamed into place.
 */
export function parquetSink(target: string, spec: RunSpec): Sink {
  const columns = summaryColumns(spec.byPod);
  return fileSink(
    target,
    'parquet',
    (source, path, where) => copyParquet(source, columns, path, where),
    async (parts, read, path, db) => {
      const local = [];
      for (const part of parts) local.push(await read.local(part));
      await (await db()).run(`COPY (SELECT * FROM read_parquet([${local.map(sqlString).join(', ')}])) TO ${sqlString(path)} ${PARQUET}`);
    },
  );
}
