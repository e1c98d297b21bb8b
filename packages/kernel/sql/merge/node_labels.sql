-- Merges the label set of each (day, node) (PARTIAL_TABLES.node_labels, docs/rules.md §5): the row with
-- the latest interval wins, on a tie the larger label string, so no order of chunks changes the result.
INSERT INTO {{into}}.node_labels
SELECT day, node, latest."interval", latest.labels
FROM (
  SELECT day, node, max({'interval': "interval", 'labels': labels}) AS latest
  FROM {{source}} AS source
  GROUP BY day, node
)
