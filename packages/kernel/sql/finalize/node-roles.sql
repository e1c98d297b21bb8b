-- The role of each (node, resource_id) of the pod rows (docs/rules.md §3), over the partial's window:
-- the max of the reference data's roles for it; else the max reported node_role (a value other than
-- master, infra or worker gives no role); else master when any of its rows was in
-- openshift-kube-apiserver; else infra when the node was labelled node_role_kubernetes_io=infra;
-- else worker. NULL and '' resource_ids are different, and a NULL one matches a NULL one.
-- Runs after the pod rows are in the summary and before the unallocated rows are.
CREATE TABLE {{schema}}.finalize_node_roles AS
WITH pairs AS (
  SELECT DISTINCT node, resource_id FROM {{schema}}.summary WHERE data_source = 'Pod'
),
referenced AS (
  SELECT node, resource_id, max(role) AS role
  FROM {{schema}}.finalize_reference_node_roles
  GROUP BY node, resource_id
),
evidence AS (
  SELECT node, resource_id, max(reported_role) AS reported_role, bool_or(apiserver) AS apiserver
  FROM {{schema}}.node_role_facts
  GROUP BY node, resource_id
),
infra AS (
  SELECT DISTINCT node FROM {{schema}}.infra_nodes
)
SELECT
  p.node,
  p.resource_id,
  CASE
    WHEN r.role IS NOT NULL THEN r.role
    WHEN e.reported_role IS NOT NULL THEN
      CASE WHEN e.reported_role IN ('master', 'infra', 'worker') THEN e.reported_role END
    WHEN e.apiserver THEN 'master'
    WHEN i.node IS NOT NULL THEN 'infra'
    ELSE 'worker'
  END AS role
FROM pairs p
LEFT JOIN referenced r ON r.node = p.node AND r.resource_id IS NOT DISTINCT FROM p.resource_id
LEFT JOIN evidence e ON e.node = p.node AND e.resource_id IS NOT DISTINCT FROM p.resource_id
LEFT JOIN infra i ON i.node = p.node
