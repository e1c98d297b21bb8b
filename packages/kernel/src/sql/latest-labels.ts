import { windowRows, type RowRange } from './scan.js';

/**
 * Node or namespace labels of a chunk inside the window, one row per distinct (day, name,
 * interval_start `ts`, raw labels) with its row count `n`; `latest` marks the rows at the latest
 * interval_start of their (day, name) (several when label sets tie there: settled later on the
 * normalized label string). The other rows still count, and for nodes their raw strings are read for
 * node roles. Parameters: $start, $end.
 */
export function labelRowsQuery(ranges: RowRange[], nameColumn: 'node' | 'namespace', labelsColumn: string): string {
  const rows = windowRows(ranges, { name: nameColumn, labels: labelsColumn });
  return `
SELECT day, name, ts, labels, n, ts = max(ts) OVER (PARTITION BY day, name) AS latest
FROM (
  SELECT day, name, ts, labels, count(*) AS n
  FROM (${rows})
  GROUP BY ALL
)`;
}
