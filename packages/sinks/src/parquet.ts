import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender } from '@duckdb/node-api';
import { SUMMARY_COLUMNS, sqlString, type SummaryRow } from '@ocpsum/core';

/** Staging types: dates are staged as text and cast when written. */
function sqlType(column: keyof SummaryRow): 'BIGINT' | 'VARCHAR' | 'DOUBLE' {
  const kind = SUMMARY_COLUMNS[column];
  return kind === 'integer' ? 'BIGINT' : kind === 'number' ? 'DOUBLE' : 'VARCHAR';
}

const output = (column: keyof SummaryRow) =>
  SUMMARY_COLUMNS[column] === 'date' ? `CAST(${column} AS DATE) AS ${column}` : column;

/**
 * Writes rows as Parquet files, one per group (e.g. per day), into a fresh temporary folder;
 * returns the files, and a cleanup for the folder. Typed columns: dates as DATE, sums as DOUBLE.
 */
export async function writeParquetFiles(
  rows: readonly SummaryRow[],
  columns: readonly (keyof SummaryRow)[],
  groupOf: (row: SummaryRow) => string,
): Promise<{ files: Map<string, string>; cleanup: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'ocpsum-parquet-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  try {
    await db.run(`CREATE TABLE summary (grp VARCHAR, ${columns.map((c) => `${c} ${sqlType(c)}`).join(', ')})`);
    const appender = await db.createAppender('summary');
    for (const row of rows) {
      appender.appendVarchar(groupOf(row));
      for (const column of columns) appendCell(appender, sqlType(column), row[column]);
      appender.endRow();
    }
    appender.closeSync();
    const files = new Map<string, string>();
    const groups = (await db.runAndReadAll('SELECT DISTINCT grp FROM summary ORDER BY grp')).getColumnsObjectJS() as {
      grp: string[];
    };
    for (const [i, group] of groups.grp.entries()) {
      const file = join(folder, `part-${i}.parquet`);
      const prepared = await db.prepare(
        `COPY (SELECT ${columns.map(output).join(', ')} FROM summary WHERE grp = $grp) TO ${sqlString(file)} (FORMAT parquet)`,
      );
      prepared.bind({ grp: group });
      await prepared.run();
      files.set(group, file);
    }
    return { files, cleanup: () => rm(folder, { recursive: true, force: true }) };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function appendCell(appender: DuckDBAppender, type: ReturnType<typeof sqlType>, value: string | number | null): void {
  if (value === null) appender.appendNull();
  else if (type === 'VARCHAR') appender.appendVarchar(value as string);
  else if (type === 'BIGINT') appender.appendBigInt(BigInt(value));
  else appender.appendDouble(value as number);
}
