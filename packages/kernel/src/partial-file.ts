import type { DuckDBConnection } from '@duckdb/node-api';
import { validIdentifier, sqlString } from '@ocpsum/core';
import {
  PARTIAL_TABLES,
  PARTIAL_TABLE_NAMES,
  WINDOW_TABLES,
  type PartialTable,
  type PartialTableName,
} from './partial-tables.js';

/** What one packed file holds: a day (`YYYY-MM-DD`) of the day tables, or the window tables. */
export type PackedPart = { day: string } | 'window';

/**
 * A partial cut into Parquet files, written and read by DuckDB: one file per day with that day's
 * rows of the tables finalize reads by day, and one `window` file with every day's rows of
 * WINDOW_TABLES. A file packs its tables into one relation with a `section` column and each table's
 * columns prefixed by its name (`pods__usage_cpu`), so a chunk ships one object per day however
 * many tables it fills, and a day is finalized from its day files and the window files.
 * Parquet, not Arrow IPC: DuckDB writes and reads it without a row crossing into JavaScript (README,
 * "Benchmark", has the figures of both).
 */

const columnsOf = (table: PartialTableName) => Object.keys(PARTIAL_TABLES[table].columns as PartialTable['columns']);
/** Column names are the contract's own (some are keywords, such as `interval`): validated, then quoted. */
const name = (column: string) => `"${validIdentifier(column)}"`;
const packed = (table: PartialTableName, column: string) => name(`${table}__${column}`);

/** The days a partial holds rows of, `YYYY-MM-DD`, in order. */
export async function partialDays(db: DuckDBConnection, schema: string): Promise<string[]> {
  const s = validIdentifier(schema);
  const days = PARTIAL_TABLE_NAMES.map((t) => `SELECT day FROM ${s}.${t}`).join(' UNION ');
  const reader = await db.runAndReadAll(`SELECT strftime(day, '%Y-%m-%d') AS day FROM (${days}) ORDER BY day`);
  return (reader.getColumnsObjectJS() as { day: string[] }).day;
}

/** The parts a partial ships as: each of its days, then its window. */
export async function partialParts(db: DuckDBConnection, schema: string): Promise<PackedPart[]> {
  return [...(await partialDays(db, schema)).map((day) => ({ day })), 'window'];
}

/** A part's name in keys and file names: its day, or `window`. */
export const partName = (part: PackedPart): string => (part === 'window' ? part : part.day);

/** Writes the partial's rows of `part` to a Parquet file at `path`; every file has every table's columns. */
export async function writePartialFile(
  db: DuckDBConnection,
  schema: string,
  part: PackedPart,
  path: string,
): Promise<void> {
  const s = validIdentifier(schema);
  const sections = PARTIAL_TABLE_NAMES.map((table) => {
    const columns = columnsOf(table).map((c) => `${name(c)} AS ${packed(table, c)}`);
    const windowTable = WINDOW_TABLES.includes(table);
    const rows = part === 'window' ? String(windowTable) : windowTable ? 'false' : 'day = $day::DATE';
    return `SELECT ${sqlString(table)} AS section, ${columns.join(', ')} FROM ${s}.${table} WHERE ${rows}`;
  });
  const sql = `COPY (${sections.join('\nUNION ALL BY NAME\n')}) TO ${sqlString(path)} (FORMAT parquet)`;
  await (part === 'window' ? db.run(sql) : db.run(sql, { day: part.day }));
}

/** A partial's packed files: day files (`writePartialFile` of a day) and window files. */
export interface PackedFiles {
  days: readonly string[];
  window: readonly string[];
}

/**
 * One table of the partials packed in `files`, as a relation (SQL text) a merge reads from; null
 * when no file holds that kind of table. A day table reads only the day files and a window table
 * only the window files; every file has the same columns, so no union by name is needed.
 */
export function packedRelation(table: PartialTableName, files: PackedFiles): string | null {
  const list = WINDOW_TABLES.includes(table) ? files.window : files.days;
  if (!list.length) return null;
  const columns = columnsOf(table).map((c) => `${packed(table, c)} AS ${name(c)}`);
  return `(SELECT ${columns.join(', ')} FROM read_parquet([${list.map(sqlString).join(', ')}]) WHERE section = ${sqlString(table)})`;
}
