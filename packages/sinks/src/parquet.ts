import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SUMMARY_COLUMNS, sqlString, type SummaryRow } from '@ocpsum/core';
import { csvBatches, csvCell } from './csv.js';

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
    // Staged through CSV: DuckDB's CSV reader takes a few hundred thousand rows in a blink, where
    // appending cell by cell from JavaScript took seconds. Quoted "" stays an empty string.
    const staging = join(folder, 'staging.csv');
    await writeFile(
      staging,
      csvBatches(rows, columns, { header: true, lead: { name: 'grp', cell: (row) => csvCell(groupOf(row)) } }),
    );
    const types = [`grp: 'VARCHAR'`, ...columns.map((c) => `${c}: '${sqlType(c)}'`)].join(', ');
    await db.run(
      `CREATE TABLE summary AS SELECT * FROM read_csv(${sqlString(staging)}, header = true, allow_quoted_nulls = false, columns = {${types}})`,
    );
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
