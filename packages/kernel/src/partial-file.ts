import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from '@ocpsum/core';
import { PARTIAL_TABLES, PARTIAL_TABLE_NAMES, type PartialTable, type PartialTableName } from './partial-tables.js';

/**
 * One day of a partial as one Parquet file, written and read by DuckDB: every table's rows of the
 * day, packed into one relation with a `section` column and each table's columns prefixed by its
 * name (`pods__usage_cpu`), so a chunk ships one object per day however many tables it fills.
 * Parquet, not Arrow IPC: DuckDB writes and reads it without a row crossing into JavaScript (README,
 * "Benchmark", has the figures of both).
 */

const columnsOf = (table: PartialTableName) => Object.keys(PARTIAL_TABLES[table].columns as PartialTable['columns']);
/** Column names are the contract's own (some are keywords, such as `interval`): validated, then quoted. */
const name = (column: string) => `"${sqlIdentifier(column)}"`;
const packed = (table: PartialTableName, column: string) => name(`${table}__${column}`);

/** The days a partial holds rows of, `YYYY-MM-DD`, in order. */
export async function partialDays(db: DuckDBConnection, schema: string): Promise<string[]> {
  const s = sqlIdentifier(schema);
  const days = PARTIAL_TABLE_NAMES.map((t) => `SELECT day FROM ${s}.${t}`).join(' UNION ');
  const reader = await db.runAndReadAll(`SELECT strftime(day, '%Y-%m-%d') AS day FROM (${days}) ORDER BY day`);
  return (reader.getColumnsObjectJS() as { day: string[] }).day;
}

/** Writes the partial's rows of `day` to a Parquet file at `path`. */
export async function writePartialDay(db: DuckDBConnection, schema: string, day: string, path: string): Promise<void> {
  const s = sqlIdentifier(schema);
  const sections = PARTIAL_TABLE_NAMES.map((table) => {
    const columns = columnsOf(table).map((c) => `${name(c)} AS ${packed(table, c)}`);
    return `SELECT ${sqlString(table)} AS section, ${columns.join(', ')} FROM ${s}.${table} WHERE day = $day::DATE`;
  });
  await db.run(`COPY (${sections.join('\nUNION ALL BY NAME\n')}) TO ${sqlString(path)} (FORMAT parquet)`, { day });
}

/** Each table of the partials packed in `files`, as a relation (SQL text) a merge reads from. */
export function packedRelations(files: readonly string[]): Record<PartialTableName, string> {
  const source = `read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)`;
  return Object.fromEntries(
    PARTIAL_TABLE_NAMES.map((table) => {
      const columns = columnsOf(table).map((c) => `${packed(table, c)} AS ${name(c)}`);
      return [table, `(SELECT ${columns.join(', ')} FROM ${source} WHERE section = ${sqlString(table)})`];
    }),
  ) as Record<PartialTableName, string>;
}
