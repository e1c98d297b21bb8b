-- Merges the label set of each (day, namespace) (PARTIAL_TABLES.namespace_labels, docs/rules.md §5): the
-- row with the latest interval wins, on a tie the larger label string.
INSERT INTO {{into}}.namespace_labels
SELECT day, namespace, latest."interval", latest.labels
FROM (
  SELECT day, namespace, max({'interval': "interval", 'labels': labels}) AS latest
  FROM {{source}} AS source
  GROUP BY day, namespace
)
