/**
 * Summary rows as the DuckDB table the sinks read (`SummarySource`), for tests that start from rows:
 * core's SUMMARY_COLUMNS in order, integer → INTEGER, text and json → VARCHAR, date → DATE,
 * number → DOUBLE. Built with typed INSERTs, apart from the sinks' own code.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOUBLE, DuckDBInstance, INTEGER, VARCHAR, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { SUMMARY_COLUMNS, SUMMARY_ORDER_COLUMNS, type ColumnKind, type SummaryRow } from '@ocpsum/core';
import type { SummarySource } from '@ocpsum/sinks';

const SQL_TYPE: Record<ColumnKind, string> = {
  integer: 'INTEGER',
  text: 'VARCHAR',
  date: 'DATE',
  number: 'DOUBLE',
  json: 'VARCHAR',
};
const BIND_TYPE: Record<ColumnKind, DuckDBType> = {
  integer: INTEGER,
  text: VARCHAR,
  date: VARCHAR,
  number: DOUBLE,
  json: VARCHAR,
};
const ROWS_PER_INSERT = 200;

export interface SummaryTable {
  source: SummarySource;
  close(): void;
}

/** A fresh in-memory DuckDB holding `rows` as the table `summary`, in the order given. */
export async function summaryTable(rows: readonly SummaryRow[], threads = 2): Promise<SummaryTable> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    temp_directory: join(tmpdir(), `ocpsum-duckdb-test-${process.pid}`),
  });
  const db = await instance.connect();
  const close = () => {
    db.closeSync();
    instance.closeSync();
  };
  try {
    const columns = Object.entries(SUMMARY_COLUMNS) as [keyof SummaryRow, ColumnKind][];
    await db.run(`CREATE TABLE summary (${columns.map(([c, kind]) => `${c} ${SQL_TYPE[kind]}`).join(', ')})`);
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const batch = rows.slice(start, start + ROWS_PER_INSERT);
      const tuple = `(${columns.map(([, kind]) => `CAST(? AS ${SQL_TYPE[kind]})`).join(', ')})`;
      const insert = await db.prepare(`INSERT INTO summary VALUES ${batch.map(() => tuple).join(', ')}`);
      insert.bind(
        batch.flatMap((row) => columns.map(([c]) => row[c] as DuckDBValue)),
        batch.flatMap(() => columns.map(([, kind]) => BIND_TYPE[kind])),
      );
      await insert.run();
    }
    return { source: { db, table: 'summary' }, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** `fn` with the rows as a summary table, closed afterwards. */
export async function withSummaryTable<T>(
  rows: readonly SummaryRow[],
  fn: (source: SummarySource) => Promise<T>,
): Promise<T> {
  const table = await summaryTable(rows);
  try {
    return await fn(table.source);
  } finally {
    table.close();
  }
}

/** The order the sinks write rows in, in JavaScript: NULLs first, then ascending by UTF-16 code units. */
export function compareRows(a: SummaryRow, b: SummaryRow): number {
  for (const column of SUMMARY_ORDER_COLUMNS) {
    const x = a[column] as string | null;
    const y = b[column] as string | null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
