-- Pod rows (docs/rules.md §6). The partial's pod groups are regrouped by their merged labels (node →
-- namespace → pod, finalize_label_merges), then carry their node's and the cluster's capacity of the
-- day: per (interval, node) the max capacity seconds (the partial's capacity cells), summed over the
-- day; the cluster's is the sum over every cell of the day, rows without a node included.
INSERT INTO {{schema}}.summary BY NAME
WITH regrouped AS (
  SELECT
    p.day, p.namespace, p.node, p.pod, m.merged AS labels,
    max(p.resource_id) AS resource_id,
    sum(p.usage_cpu) AS usage_cpu,
    sum(p.request_cpu) AS request_cpu,
    sum(p.limit_cpu) AS limit_cpu,
    sum(p.effective_cpu) AS effective_cpu,
    sum(p.usage_mem) AS usage_mem,
    sum(p.request_mem) AS request_mem,
    sum(p.limit_mem) AS limit_mem,
    sum(p.effective_mem) AS effective_mem,
    max(p.capacity_cores) AS capacity_cores,
    max(p.capacity_bytes) AS capacity_bytes
  FROM {{schema}}.pods p
  LEFT JOIN {{schema}}.node_labels nl ON nl.day = p.day AND nl.node = p.node
  LEFT JOIN {{schema}}.namespace_labels nsl ON nsl.day = p.day AND nsl.namespace = p.namespace
  JOIN {{schema}}.finalize_label_merges m
    ON m.node_labels = coalesce(nl.labels, '{}')
    AND m.namespace_labels = coalesce(nsl.labels, '{}')
    AND m.first_labels = coalesce(p.labels, '{}')
    AND m.second_labels = '{}'
  GROUP BY p.day, p.namespace, p.node, p.pod, m.merged
),
node_capacity AS (
  SELECT day, node, sum(cpu_core_seconds) AS cpu, sum(mem_byte_seconds) AS mem
  FROM {{schema}}.capacity
  GROUP BY day, node
),
cluster_capacity AS (
  SELECT day, sum(cpu_core_seconds) AS cpu, sum(mem_byte_seconds) AS mem
  FROM {{schema}}.capacity
  GROUP BY day
)
SELECT
  CAST($report_period_id AS INTEGER) AS report_period_id,
  CAST($cluster_id AS VARCHAR) AS cluster_id,
  CAST($cluster_alias AS VARCHAR) AS cluster_alias,
  'Pod' AS data_source,
  g.day AS usage_start,
  g.day AS usage_end,
  g.namespace,
  g.node,
  g.resource_id,
  g.pod,
  g.labels AS pod_labels,
  -- core-seconds → core-hours; byte-seconds → gigabyte-hours (GB = 2^30 bytes); bytes → gigabytes
  g.usage_cpu / 3600 AS pod_usage_cpu_core_hours,
  g.request_cpu / 3600 AS pod_request_cpu_core_hours,
  g.effective_cpu / 3600 AS pod_effective_usage_cpu_core_hours,
  g.limit_cpu / 3600 AS pod_limit_cpu_core_hours,
  g.usage_mem / 3600 / 1073741824 AS pod_usage_memory_gigabyte_hours,
  g.request_mem / 3600 / 1073741824 AS pod_request_memory_gigabyte_hours,
  g.effective_mem / 3600 / 1073741824 AS pod_effective_usage_memory_gigabyte_hours,
  g.limit_mem / 3600 / 1073741824 AS pod_limit_memory_gigabyte_hours,
  g.capacity_cores AS node_capacity_cpu_cores,
  n.cpu / 3600 AS node_capacity_cpu_core_hours,
  g.capacity_bytes / 1073741824 AS node_capacity_memory_gigabytes,
  n.mem / 3600 / 1073741824 AS node_capacity_memory_gigabyte_hours,
  c.cpu / 3600 AS cluster_capacity_cpu_core_hours,
  c.mem / 3600 / 1073741824 AS cluster_capacity_memory_gigabyte_hours,
  CAST($source_uuid AS VARCHAR) AS source_uuid,
  CAST($infrastructure_usage_cost AS VARCHAR) AS infrastructure_usage_cost,
  cc.cost_category_id,
  g.labels AS all_labels
FROM regrouped g
LEFT JOIN node_capacity n ON n.day = g.day AND n.node = g.node
LEFT JOIN cluster_capacity c ON c.day = g.day
LEFT JOIN {{schema}}.finalize_cost_categories cc ON cc.namespace = g.namespace
