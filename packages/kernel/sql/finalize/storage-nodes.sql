-- The storage groups of a partial, each joined to the node(s) its pod ran on that day (docs/rules.md §7),
-- with what finalize looks up per (day, node) and (day, namespace):
-- - node, resource_id: a pod_nodes entry with the same day, namespace and pod, for a storage group
--   whose namespace, pod and claim are all non-empty; NULL when there is none (one row, kept);
-- - node_count: the distinct nodes the group's persistent volume matched that day through any of its
--   storage groups; NULL when it matched none;
-- - node_labels, namespace_labels: the day's label sets of the node and the namespace, NULL when none.
CREATE TABLE {{schema}}.finalize_storage_nodes AS
WITH storage AS (
  -- Only a joinable group has a namespace to join on: equalities alone keep the join a hash join.
  SELECT
    *,
    CASE WHEN namespace <> '' AND pod <> '' AND persistentvolumeclaim <> '' THEN namespace END AS pod_namespace
  FROM {{schema}}.storage
),
matched AS (
  SELECT s.* EXCLUDE (pod_namespace), pn.node, pn.resource_id
  FROM storage s
  LEFT JOIN {{schema}}.pod_nodes pn ON pn.day = s.day AND pn.namespace = s.pod_namespace AND pn.pod = s.pod
),
node_counts AS (
  SELECT day, persistentvolume, count(DISTINCT node) AS node_count
  FROM matched
  WHERE node IS NOT NULL
  GROUP BY day, persistentvolume
)
SELECT m.*, c.node_count, nl.labels AS node_labels, nsl.labels AS namespace_labels
FROM matched m
LEFT JOIN node_counts c ON c.day = m.day AND c.persistentvolume IS NOT DISTINCT FROM m.persistentvolume
LEFT JOIN {{schema}}.node_labels nl ON nl.day = m.day AND nl.node = m.node
LEFT JOIN {{schema}}.namespace_labels nsl ON nsl.day = m.day AND nsl.namespace = m.namespace
