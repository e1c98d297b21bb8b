-- Merges the input row counts per day (PARTIAL_TABLES.rows_in): sums.
INSERT INTO {{into}}.rows_in
SELECT day, sum(pod), sum(storage), sum(node_labels), sum(namespace_labels)
FROM {{source}} AS source
GROUP BY day
