import { DuckDBDateValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { SUMMARY_COLUMNS, type ColumnKind, type SummaryRow } from '@ocpsum/core';
import type { SummarySource } from './interfaces.js';
import { SUMMARY_SQL_TYPES } from './summary-sql.js';

const DAY_MS = 86_400_000;
let tables = 0;

/**
 * TEMPORARY, until finalize writes the table: the finalize still returns `SummaryRow[]`, so its
 * callers (CLI `run` and `demo`, the fleet's whole-job worker and reducer) load the rows into a
 * fresh DuckDB table of the sinks' shape (`SummarySource`) through an appender. Remove it, and its
 * callers' use of it, once the finalize hands the sinks its table.
 * `pod` is kept only by pod, as the sinks write it.
 */
export async function rowsToSummaryTable(
  db: DuckDBConnection,
  rows: readonly SummaryRow[],
  byPod: boolean,
): Promise<SummarySource> {
  const table = `ocpsum_summary_rows_${++tables}`;
  const columns = Object.entries(SUMMARY_COLUMNS) as [keyof SummaryRow, ColumnKind][];
  await db.run(`CREATE TABLE ${table} (${columns.map(([c, kind]) => `${c} ${SUMMARY_SQL_TYPES[kind]}`).join(', ')})`);
  const appender = await db.createAppender(table);
  try {
    const append = columns.map(([column, kind]) => appendOf(appender, kind, column === 'pod' && !byPod));
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) append[i](row[columns[i][0]]);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return { db, table };
}

/** How one column's values are appended; NULL as NULL. */
function appendOf(appender: DuckDBAppender, kind: ColumnKind, alwaysNull: boolean): (value: unknown) => void {
  const cell = (put: (value: never) => void) => (value: unknown) =>
    value === null || alwaysNull ? appender.appendNull() : put(value as never);
  switch (kind) {
    case 'integer':
      return cell((v: number) => appender.appendInteger(v));
    case 'number':
      return cell((v: number) => appender.appendDouble(v));
    case 'date':
      return cell((v: string) => appender.appendDate(new DuckDBDateValue(Date.parse(`${v}T00:00:00Z`) / DAY_MS)));
    default:
      return cell((v: string) => appender.appendVarchar(v));
  }
}
