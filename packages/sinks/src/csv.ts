import { sqlString, summaryColumns, type RunSpec, type SummaryRow } from '@ocpsum/core';
import { prepareFile } from './files.js';
import type { PreparedOutput, SummarySource } from './interfaces.js';
import { summarySelect, type SelectOptions } from './summary-sql.js';

/**
 * Writes the summary as RFC 4180 CSV with DuckDB's `COPY … TO`, in `SUMMARY_ORDER_BY`: NULL is an
 * empty cell and an empty string `""`, so the two stay apart; a cell with `,`, `"`, CR or LF is
 * quoted, quotes doubled; dates are `YYYY-MM-DD`; a DOUBLE is written in the shortest text that
 * reads back to the same value (`3.0`, `0.1`, `1e-07`). No row passes through JavaScript.
 */
export async function copyCsv(
  source: SummarySource,
  columns: readonly (keyof SummaryRow)[],
  path: string,
  options: { header: boolean; lead?: SelectOptions['lead'] },
): Promise<void> {
  await source.db.run(
    `COPY (${summarySelect(source, columns, { lead: options.lead })}) TO ${sqlString(path)} ` +
      `(FORMAT csv, HEADER ${options.header}, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR '', COMPRESSION 'none')`,
  );
}

/** `FILE.csv`: a header of koku's column names, then the rows; written aside, renamed on commit. */
export function prepareCsv(target: string, source: SummarySource, spec: RunSpec): Promise<PreparedOutput> {
  return prepareFile(target, (temporary) => copyCsv(source, summaryColumns(spec.byPod), temporary, { header: true }));
}
