-- Unallocated rows (docs/rules.md §8): per (day, node), over the node's pod rows whose
-- (node, resource_id) has a role (finalize_node_roles), the node's capacity hours minus the pod rows'
-- usage, request and effective usage. Role: the max of those rows' roles. Runs after the pod rows are in
-- the summary; the summary's 'Pod' rows are then the pod rows only.
INSERT INTO {{schema}}.summary BY NAME
WITH per_node AS (
  SELECT
    r.usage_start AS day,
    r.node,
    max(nr.role) AS role,
    max(r.resource_id) AS resource_id,
    sum(r.pod_usage_cpu_core_hours) AS usage_cpu,
    sum(r.pod_request_cpu_core_hours) AS request_cpu,
    sum(r.pod_effective_usage_cpu_core_hours) AS effective_cpu,
    sum(r.pod_usage_memory_gigabyte_hours) AS usage_mem,
    sum(r.pod_request_memory_gigabyte_hours) AS request_mem,
    sum(r.pod_effective_usage_memory_gigabyte_hours) AS effective_mem,
    max(r.node_capacity_cpu_cores) AS capacity_cores,
    max(r.node_capacity_cpu_core_hours) AS capacity_cpu_hours,
    max(r.node_capacity_memory_gigabytes) AS capacity_gigabytes,
    max(r.node_capacity_memory_gigabyte_hours) AS capacity_mem_hours,
    max(r.cluster_capacity_cpu_core_hours) AS cluster_cpu_hours,
    max(r.cluster_capacity_memory_gigabyte_hours) AS cluster_mem_hours
  FROM {{schema}}.summary r
  JOIN {{schema}}.finalize_node_roles nr
    ON nr.node = r.node AND nr.resource_id IS NOT DISTINCT FROM r.resource_id
  WHERE r.data_source = 'Pod' AND nr.role IS NOT NULL
  GROUP BY r.usage_start, r.node
),
named AS (
  SELECT *, CASE role WHEN 'worker' THEN 'Worker unallocated' ELSE 'Platform unallocated' END AS namespace
  FROM per_node
)
SELECT
  CAST($report_period_id AS INTEGER) AS report_period_id,
  CAST($cluster_id AS VARCHAR) AS cluster_id,
  CAST($cluster_alias AS VARCHAR) AS cluster_alias,
  'Pod' AS data_source,
  u.day AS usage_start,
  u.day AS usage_end,
  u.namespace,
  u.node,
  u.resource_id,
  u.capacity_cpu_hours - u.usage_cpu AS pod_usage_cpu_core_hours,
  u.capacity_cpu_hours - u.request_cpu AS pod_request_cpu_core_hours,
  u.capacity_cpu_hours - u.effective_cpu AS pod_effective_usage_cpu_core_hours,
  u.capacity_mem_hours - u.usage_mem AS pod_usage_memory_gigabyte_hours,
  u.capacity_mem_hours - u.request_mem AS pod_request_memory_gigabyte_hours,
  u.capacity_mem_hours - u.effective_mem AS pod_effective_usage_memory_gigabyte_hours,
  u.capacity_cores AS node_capacity_cpu_cores,
  u.capacity_cpu_hours AS node_capacity_cpu_core_hours,
  u.capacity_gigabytes AS node_capacity_memory_gigabytes,
  u.capacity_mem_hours AS node_capacity_memory_gigabyte_hours,
  u.cluster_cpu_hours AS cluster_capacity_cpu_core_hours,
  u.cluster_mem_hours AS cluster_capacity_memory_gigabyte_hours,
  CAST($source_uuid AS VARCHAR) AS source_uuid,
  cc.cost_category_id,
  '{}' AS all_labels
FROM named u
LEFT JOIN {{schema}}.finalize_cost_categories cc ON cc.namespace = u.namespace
