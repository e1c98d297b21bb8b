-- The distinct label sets the summary rows merge (docs/rules.md §5), in merge order: node labels,
-- namespace labels, then the row's own — pod labels (and '{}'), or persistent volume then claim
-- labels. A missing set is '{}'. JavaScript merges each combination once (finalize_label_merges).
SELECT DISTINCT node_labels, namespace_labels, first_labels, second_labels
FROM (
  SELECT
    coalesce(nl.labels, '{}') AS node_labels,
    coalesce(nsl.labels, '{}') AS namespace_labels,
    coalesce(p.labels, '{}') AS first_labels,
    '{}' AS second_labels
  FROM {{schema}}.pods p
  LEFT JOIN {{schema}}.node_labels nl ON nl.day = p.day AND nl.node = p.node
  LEFT JOIN {{schema}}.namespace_labels nsl ON nsl.day = p.day AND nsl.namespace = p.namespace
  UNION ALL
  SELECT
    coalesce(node_labels, '{}'),
    coalesce(namespace_labels, '{}'),
    coalesce(pv_labels, '{}'),
    coalesce(pvc_labels, '{}')
  FROM {{schema}}.finalize_storage_nodes
)
