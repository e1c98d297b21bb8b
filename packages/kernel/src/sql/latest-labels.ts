import { scanRanges, type RowRange } from './scan.js';

/**
 * Node or namespace labels of a chunk, reduced to the rows with the latest interval_start per
 * (day, name); ties are settled later on the normalized label string. `rows_in` is the
 * (day, name) group's row count, repeated on each of its rows; `kind` is 'latest'.
 * With `everyString`, the same scan also yields each distinct (day, name, raw labels) of the window
 * as a row of kind 'seen' (interval and rows_in NULL): what node roles are inferred from.
 * Parameters: $start, $end.
 */
export function latestLabelsQuery(
  ranges: RowRange[],
  nameColumn: 'node' | 'namespace',
  labelsColumn: string,
  everyString = false,
): string {
  const rows = scanRanges(ranges, { name: nameColumn, labels: labelsColumn });
  const seen = everyString
    ? `
UNION ALL
SELECT DISTINCT 'seen' AS kind, strftime(day, '%Y-%m-%d') AS day, name, NULL::DOUBLE AS interval, labels, NULL::DOUBLE AS rows_in
FROM per_interval`
    : '';
  return `
WITH per_interval AS MATERIALIZED (
  SELECT CAST(ts AS DATE) AS day, name, ts, labels, count(*) AS n
  FROM (${rows}) WHERE CAST(ts AS DATE) BETWEEN $start::DATE AND $end::DATE
  GROUP BY ALL
)
(SELECT 'latest' AS kind, strftime(day, '%Y-%m-%d') AS day, name, epoch_us(ts)::DOUBLE AS interval, labels,
  (sum(n) OVER (PARTITION BY day, name))::DOUBLE AS rows_in
FROM per_interval
QUALIFY rank() OVER (PARTITION BY day, name ORDER BY ts DESC) = 1)${seen}`;
}
