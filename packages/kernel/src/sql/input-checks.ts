import { scanRanges, type RowRange } from './scan.js';

/**
 * Values ocpsum refuses, counted per file (`source_file`, its path): interval_start missing (or a string that is no
 * timestamp: unreadableIntervalsQuery tells them apart) or outside the dataset's month,
 * give or take the neighbouring day (a report cut around midnight may carry an hour of it; such
 * rows are simply outside the window), and numbers that are negative, NaN or infinite (usage and capacity are finite and ≥ 0; an empty
 * cell is NULL and fine). Only files with a problem come back. Parameters: $first, $last (the month).
 */
export function inputChecksQuery(ranges: RowRange[], required: string[], optional: string[]): string {
  const numbers = [...required, ...optional];
  const rows = scanRanges(
    ranges,
    Object.fromEntries(required.map((c) => [c, `CAST(${c} AS DOUBLE)`])),
    Object.fromEntries(optional.map((c) => [c, { column: c, type: 'DOUBLE' as const }])),
    { sourceFile: true },
  );
  const problems = ['missing_interval > 0', 'outside_month > 0', ...numbers.map((c) => `${c} > 0`)];
  return `
SELECT source_file,
  count_if(ts IS NULL) AS missing_interval,
  count_if(CAST(ts AS DATE) NOT BETWEEN $first::DATE - 1 AND $last::DATE + 1) AS outside_month,
  strftime(min(ts), '%Y-%m-%d %H:%M:%S') AS first_interval,
  strftime(max(ts), '%Y-%m-%d %H:%M:%S') AS last_interval${numbers.map((c) => `,\n  count_if(NOT isfinite(${c}) OR ${c} < 0) AS ${c}`).join('')}
FROM (${rows})
GROUP BY source_file
HAVING ${problems.join(' OR ')}`;
}

/**
 * The interval_start strings of a range that are no timestamp: how many, and the least of them (a
 * value to show). Run only once a range has failed its checks, so the scan of every chunk pays nothing.
 */
export function unreadableIntervalsQuery(range: RowRange): string {
  return `
SELECT count(*) AS n, min(raw) AS value
FROM (${scanRanges([range], { raw: 'interval_start' })})
WHERE ts IS NULL AND raw IS NOT NULL`;
}
