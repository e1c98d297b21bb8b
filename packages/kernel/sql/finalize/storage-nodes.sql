-- The storage groups of a partial, each joined to the node(s) its pod ran on that day (docs/rules.md §7),
-- with what finalize looks up per (day, node) and (day, namespace):
-- - node, resource_id: a pod_nodes entry with the same day, namespace and pod, for a storage group
--   whose namespace, pod and claim are all non-empty; NULL when there is none (one row, kept);
-- - node_count: the distinct nodes the group's persistent volume matched that day through any of its
--   storage groups; NULL when it matched none;
-- - node_labels, namespace_labels: the day's label sets of the node and the namespace, NULL when none.
CREATE TABLE {{schema}}.finalize_storage_nodes AS
SELECT
  s.*,
  pn.node,
  pn.resource_id,
  nullif(count(DISTINCT pn.node) OVER (PARTITION BY s.day, s.persistentvolume), 0) AS node_count,
  nl.labels AS node_labels,
  nsl.labels AS namespace_labels
FROM {{schema}}.storage s
LEFT JOIN {{schema}}.pod_nodes pn
  ON s.namespace <> '' AND s.pod <> '' AND s.persistentvolumeclaim <> ''
  AND pn.day = s.day AND pn.namespace = s.namespace AND pn.pod = s.pod
LEFT JOIN {{schema}}.node_labels nl ON nl.day = s.day AND nl.node = pn.node
LEFT JOIN {{schema}}.namespace_labels nsl ON nsl.day = s.day AND nsl.namespace = s.namespace
