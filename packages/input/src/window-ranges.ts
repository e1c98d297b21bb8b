import { InputError, monthBounds, type RunSpec } from '@ocpsum/core';
import type { InputFile } from './interfaces.js';

/** Rows `start` (inclusive) to `end` (exclusive) of one input file. */
export interface FileRange {
  file: InputFile;
  start: number;
  end: number;
}

/**
 * The rows of `files` that a run over the window of `spec` reads: every row group except those whose
 * footer statistics prove that all their days lie inside the month but outside the window. A
 * group the statistics say nothing about is read. So is one that reaches outside the month (give or
 * take the neighbouring day, as the kernel's input checks allow), so that those checks still refuse
 * such rows. Adjacent groups that are read become one range; a file with none to read has no range.
 * Ranges come by their first day (those without statistics first), then in the order of `files`.
 */
export function windowRanges(files: readonly InputFile[], spec: RunSpec): FileRange[] {
  const { first, last } = monthBounds(spec.year, spec.month);
  const [monthStart, monthEnd] = [shiftDay(first, -1), shiftDay(last, 1)];
  const skipped = (days: readonly [string, string] | null) =>
    days !== null &&
    days[0] >= monthStart &&
    days[1] <= monthEnd &&
    (days[1] < spec.startDate || days[0] > spec.endDate);
  const ranges: (FileRange & { day: string })[] = [];
  for (const file of files) {
    let start = 0;
    for (const [group, rows] of file.rowGroups.entries()) {
      const end = start + rows;
      const previous = ranges.at(-1);
      const days = file.rowGroupDays[group] ?? null;
      if (rows > 0 && !skipped(days)) {
        if (previous?.file === file && previous.end === start) previous.end = end;
        else ranges.push({ file, start, end, day: days?.[0] ?? '' });
      }
      start = end;
    }
  }
  // By first day, then as listed (report type by report type): consecutive ranges are the same
  // days of every report, so a chunk's partial holds few days and a day's partials few chunks.
  return ranges.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)).map(({ day, ...range }) => range);
}

/** The rows of one report type among `ranges`. */
export function rangeRows(ranges: readonly FileRange[], type: InputFile['type']): number {
  return ranges.reduce((n, r) => n + (r.file.type === type ? r.end - r.start : 0), 0);
}

/**
 * The storage usage files of `ranges`: the ones whose pods' nodes a run records (pods with volumes),
 * since only a storage row of the window is joined to them.
 */
export function storageFiles(ranges: readonly FileRange[]): InputFile[] {
  return [...new Set(ranges.filter((r) => r.file.type === 'openshift_storage_usage_line_items').map((r) => r.file))];
}

/** How many files `ranges` read from. */
export function filesRead(ranges: readonly FileRange[]): number {
  return new Set(ranges.map((r) => r.file.key)).size;
}

/** A run whose window holds no pod usage rows: there is nothing to summarize. */
export function noPodRows(spec: RunSpec, location: string): InputError {
  return new InputError(`no pod usage rows between ${spec.startDate} and ${spec.endDate} at ${location}`);
}

function shiftDay(day: string, by: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + by);
  return date.toISOString().slice(0, 10);
}
