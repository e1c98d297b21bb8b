import { sqlString } from '@ocpsum/core';
import type { InputFile } from '@ocpsum/input';

/** An input file as the kernel reads it: its footer's facts and the local file holding its bytes. */
export type FileSchema = InputFile & { path: string };

/** A row range [start, end) of one input file; the whole file when it covers all rows. */
export interface RowRange {
  file: FileSchema;
  start: number;
  end: number;
}

// strptime with %z yields a TIMESTAMPTZ; timezone('UTC', …) takes its UTC wall clock whatever the process zone.
const STRING_FORMATS = [
  "'%Y-%m-%d %H:%M:%S %z UTC'",
  "'%Y-%m-%d %H:%M:%S %z'",
  "'%Y-%m-%d %H:%M:%S%z'",
  "'%Y-%m-%dT%H:%M:%S%z'",
];

/**
 * A file's interval_start as a TIMESTAMP. A string that is no timestamp reads as NULL, as a missing
 * one does: the kernel's input checks refuse both, naming the file, the column and the value, where
 * a failing CAST would stop the query with DuckDB's message and SQL text.
 */
function intervalExpression(file: FileSchema): string {
  switch (file.interval) {
    case 'timestamp':
      return 'CAST(interval_start AS TIMESTAMP)';
    case 'timestamptz':
      return "timezone('UTC', interval_start)";
    case 'string':
      return `coalesce(timezone('UTC', try_strptime(interval_start, [${STRING_FORMATS.join(', ')}])), TRY_CAST(interval_start AS TIMESTAMP))`;
  }
}

/**
 * The rows of `ranges` (as `scanRanges` reads them) inside the run's window, with their `day`, and
 * where `condition` holds, a condition over the output columns. Parameters: $start, $end
 * (inclusive window dates).
 */
export function windowRows(
  ranges: RowRange[],
  columns: Record<string, string>,
  optional: Parameters<typeof scanRanges>[2] = {},
  condition?: string,
): string {
  return `SELECT *, CAST(ts AS DATE) AS day FROM (${scanRanges(ranges, columns, optional)})
  WHERE CAST(ts AS DATE) BETWEEN $start::DATE AND $end::DATE${condition ? ` AND ${condition}` : ''}`;
}

/**
 * The rows of `ranges` as one relation: files may differ in how they store interval_start and in
 * optional columns. `columns` maps output names to expressions over the file's own columns; an
 * optional column the file lacks reads as NULL, and so does a label column the footer showed empty
 * and of another type (`nullLabels`). Whole files that read alike are one `read_parquet` of their
 * list (DuckDB spreads one scan over its threads; a UNION ALL of a scan per file ran on one and
 * held every scan's buffers at once); a part of a file is a SELECT of its own. With `sourceFile`,
 * each row carries `source_file`, the path of its file, so a check can name the file a row came from.
 */
export function scanRanges(
  ranges: RowRange[],
  columns: Record<string, string>,
  optional: Record<string, { column: string; type: 'DOUBLE' | 'VARCHAR' }> = {},
  options: { sourceFile?: boolean } = {},
): string {
  const wholeFiles = new Map<string, string[]>();
  const selects: string[] = [];
  for (const range of ranges) {
    const { file } = range;
    if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end)) {
      throw new Error(`row range of ${file.key} must be whole numbers, got ${range.start}..${range.end}`);
    }
    const select = [
      `${intervalExpression(file)} AS ts`,
      ...Object.entries(columns).map(
        ([name, expression]) => `${file.nullLabels.includes(expression) ? 'NULL::VARCHAR' : expression} AS ${name}`,
      ),
      ...Object.entries(optional).map(
        ([name, { column, type }]) => `CAST(${file.optional.includes(column) ? column : 'NULL'} AS ${type}) AS ${name}`,
      ),
    ].join(', ');
    if (range.start === 0 && range.end >= file.rows) {
      wholeFiles.set(select, [...(wholeFiles.get(select) ?? []), file.path]);
    } else {
      const source = `read_parquet(${sqlString(file.path)}, file_row_number = true)`;
      const where = `file_row_number >= ${range.start} AND file_row_number < ${range.end}`;
      const path = options.sourceFile ? `, ${sqlString(file.path)} AS source_file` : '';
      selects.push(`SELECT ${select}${path} FROM ${source} WHERE ${where}`);
    }
  }
  for (const [select, paths] of wholeFiles) {
    const list = `[${paths.map(sqlString).join(', ')}]`;
    const named = options.sourceFile ? ', filename = true' : '';
    const path = options.sourceFile ? ', filename AS source_file' : '';
    selects.push(
      `SELECT ${select}${path} FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false${named})`,
    );
  }
  return selects.join('\nUNION ALL\n');
}
