import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString, type ReportType } from '@ocpsum/core';
import { EXPECTED, INPUT_COLUMNS, intervalKind, typeMatches, type IntervalKind } from './input-schema.js';
import { InputError } from './input-error.js';
import { parquetColumnType, type ParquetSchemaRow } from './parquet-types.js';

/** What the kernel needs to know of one input file, read from its Parquet footer only. */
export interface FileSchema {
  key: string;
  path: string;
  type: ReportType;
  rows: number;
  rowGroups: number[];
  interval: IntervalKind;
  /** Optional columns the file has. */
  optional: string[];
}

export interface InputFile {
  key: string;
  path: string;
  type: ReportType;
}

/**
 * Reads the footers of many files in two queries (one per file is ten times slower on a month of
 * daily files) and checks every column the kernel reads. When a file cannot be read at all, the
 * files are inspected one by one so the message names the bad one.
 */
export async function inspectFiles(db: DuckDBConnection, files: readonly InputFile[]): Promise<FileSchema[]> {
  if (files.length === 0) return [];
  const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
  let schema: ParquetSchemaRow[];
  let groups: { file_name: string; n: number }[];
  try {
    schema = (
      await db.runAndReadAll(
        `SELECT file_name, name, type, converted_type, logical_type, scale, precision, num_children FROM parquet_schema(${list})`,
      )
    ).getRowObjectsJS() as unknown as ParquetSchemaRow[];
    groups = (
      await db.runAndReadAll(
        `SELECT file_name, row_group_id, any_value(row_group_num_rows)::DOUBLE AS n FROM parquet_metadata(${list}) GROUP BY ALL ORDER BY file_name, row_group_id`,
      )
    ).getRowObjectsJS() as { file_name: string; n: number }[];
  } catch {
    const inspected = [];
    for (const file of files) inspected.push(await inspectFile(db, file));
    return inspected;
  }
  const columnsOf = new Map<string, Map<string, string>>();
  for (const row of schema) {
    const columns = columnsOf.get(row.file_name) ?? new Map<string, string>();
    // The first row of each file is the schema root; nested columns' children are not ours to check.
    if (columns.size > 0 || row.num_children === null || row.num_children === 0n || row.num_children === 0) {
      if (!columns.has(row.name)) columns.set(row.name, parquetColumnType(row));
    }
    columnsOf.set(row.file_name, columns);
  }
  const rowGroupsOf = new Map<string, number[]>();
  for (const g of groups) rowGroupsOf.set(g.file_name, [...(rowGroupsOf.get(g.file_name) ?? []), g.n]);
  return files.map((file) =>
    checkColumns(file, columnsOf.get(file.path) ?? new Map(), rowGroupsOf.get(file.path) ?? []),
  );
}

/** One file's footer, read with DuckDB's own type names. */
export async function inspectFile(db: DuckDBConnection, file: InputFile): Promise<FileSchema> {
  let columns: Map<string, string>;
  let rowGroups: number[];
  try {
    const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file.path)})`);
    const names = described.getColumnsObjectJS() as { column_name: string[]; column_type: string[] };
    columns = new Map(names.column_name.map((name, i) => [name, names.column_type[i]]));
    const groups = await db.runAndReadAll(
      `SELECT DISTINCT row_group_id, row_group_num_rows::DOUBLE AS n FROM parquet_metadata(${sqlString(file.path)}) ORDER BY row_group_id`,
    );
    rowGroups = (groups.getColumnsObjectJS() as { n: number[] }).n;
  } catch (error) {
    throw new InputError(`${file.key}: not a readable Parquet file (${firstLine(error)})`);
  }
  return checkColumns(file, columns, rowGroups);
}

function checkColumns(file: InputFile, columns: Map<string, string>, rowGroups: number[]): FileSchema {
  const optional: string[] = [];
  for (const rule of INPUT_COLUMNS[file.type]) {
    const duckType = columns.get(rule.name);
    if (duckType === undefined) {
      if (rule.required) {
        throw new InputError(`${file.key}: missing required column "${rule.name}" (expected ${EXPECTED[rule.kind]})`);
      }
      continue;
    }
    if (!typeMatches(rule.kind, duckType)) {
      throw new InputError(`${file.key}: column "${rule.name}" has type ${duckType}, expected ${EXPECTED[rule.kind]}`);
    }
    if (!rule.required) optional.push(rule.name);
  }
  const interval = intervalKind(columns.get('interval_start')!) ?? 'string';
  const rows = rowGroups.reduce((a, b) => a + b, 0);
  return { key: file.key, path: file.path, type: file.type, rows, rowGroups, interval, optional };
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
