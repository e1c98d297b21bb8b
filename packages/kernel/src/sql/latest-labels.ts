import { scanRanges, type RowRange } from './scan.js';

/**
 * Node or namespace labels of a chunk, reduced to the rows with the latest interval_start per
 * (day, name); ties are settled later on the normalized label string. `rows_in` is the
 * (day, name) group's row count, repeated on each of its rows. Parameters: $start, $end.
 */
export function latestLabelsQuery(ranges: RowRange[], nameColumn: 'node' | 'namespace', labelsColumn: string): string {
  const rows = scanRanges(ranges, { name: nameColumn, labels: labelsColumn });
  return `
WITH per_interval AS (
  SELECT CAST(ts AS DATE) AS day, name, ts, labels, count(*) AS n
  FROM (${rows}) WHERE CAST(ts AS DATE) BETWEEN $start::DATE AND $end::DATE
  GROUP BY ALL
)
SELECT strftime(day, '%Y-%m-%d') AS day, name, epoch_us(ts)::DOUBLE AS interval, labels,
  (sum(n) OVER (PARTITION BY day, name))::DOUBLE AS rows_in
FROM per_interval
QUALIFY rank() OVER (PARTITION BY day, name ORDER BY ts DESC) = 1`;
}
