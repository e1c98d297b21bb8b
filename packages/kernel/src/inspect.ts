import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReportType } from '@ocpsum/core';
import { EXPECTED, INPUT_COLUMNS, intervalKind, typeMatches, type IntervalKind } from './input-schema.js';
import { InputError } from './input-error.js';
import { sqlString } from '@ocpsum/core';

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

/** Reads a file's footer and checks every column the kernel reads, naming the file and column on failure. */
export async function inspectFile(
  db: DuckDBConnection,
  path: string,
  key: string,
  type: ReportType,
): Promise<FileSchema> {
  let columns: Map<string, string>;
  let rowGroups: number[];
  try {
    const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
    const names = described.getColumnsObjectJS() as { column_name: string[]; column_type: string[] };
    columns = new Map(names.column_name.map((name, i) => [name, names.column_type[i]]));
    const groups = await db.runAndReadAll(
      `SELECT DISTINCT row_group_id, row_group_num_rows::DOUBLE AS n FROM parquet_metadata(${sqlString(path)}) ORDER BY row_group_id`,
    );
    rowGroups = (groups.getColumnsObjectJS() as { n: number[] }).n;
  } catch (error) {
    throw new InputError(`${key}: not a readable Parquet file (${firstLine(error)})`);
  }

  const optional: string[] = [];
  for (const rule of INPUT_COLUMNS[type]) {
    const duckType = columns.get(rule.name);
    if (duckType === undefined) {
      if (rule.required)
        throw new InputError(`${key}: missing required column "${rule.name}" (expected ${EXPECTED[rule.kind]})`);
      continue;
    }
    if (!typeMatches(rule.kind, duckType)) {
      throw new InputError(`${key}: column "${rule.name}" has type ${duckType}, expected ${EXPECTED[rule.kind]}`);
    }
    if (!rule.required) optional.push(rule.name);
  }
  const interval = intervalKind(columns.get('interval_start')!) ?? 'string';
  return { key, path, type, rows: rowGroups.reduce((a, b) => a + b, 0), rowGroups, interval, optional };
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
