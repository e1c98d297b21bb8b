-- Storage rows (docs/rules.md §7), from the storage groups joined to their nodes
-- (finalize_storage_nodes), grouped with their merged volume labels (node → namespace → persistent
-- volume → claim, finalize_label_merges). Request and usage are split by the volume's node_count
-- (NULL when it has none); capacity is not. Gigabyte-months count the days of the row's month.
INSERT INTO {{schema}}.summary BY NAME
WITH grouped AS (
  SELECT
    s.namespace, s.node, s.resource_id, s.persistentvolumeclaim, s.persistentvolume, s.storageclass,
    s.csi_volume_handle, s.day, m.merged AS labels,
    -- one node_count per (day, persistent volume), both part of the key
    any_value(s.node_count) AS node_count,
    max(s.capacity_bytes) AS capacity_bytes,
    sum(s.capacity_byte_seconds) AS capacity_byte_seconds,
    sum(s.request_byte_seconds) AS request_byte_seconds,
    sum(s.usage_byte_seconds) AS usage_byte_seconds
  FROM {{schema}}.finalize_storage_nodes s
  JOIN {{schema}}.finalize_label_merges m
    ON m.node_labels = coalesce(s.node_labels, '{}')
    AND m.namespace_labels = coalesce(s.namespace_labels, '{}')
    AND m.first_labels = coalesce(s.pv_labels, '{}')
    AND m.second_labels = coalesce(s.pvc_labels, '{}')
  GROUP BY s.namespace, s.node, s.resource_id, s.persistentvolumeclaim, s.persistentvolume, s.storageclass,
    s.csi_volume_handle, s.day, m.merged
),
months AS (
  -- byte-seconds in one gigabyte-month of the row's month: 86400 × days in the month × 2^30
  SELECT *, 86400.0 * day(last_day(day)) * 1073741824 AS month_byte_seconds FROM grouped
)
SELECT
  CAST($report_period_id AS INTEGER) AS report_period_id,
  CAST($cluster_id AS VARCHAR) AS cluster_id,
  CAST($cluster_alias AS VARCHAR) AS cluster_alias,
  'Storage' AS data_source,
  g.day AS usage_start,
  g.day AS usage_end,
  g.namespace,
  g.node,
  g.resource_id,
  g.persistentvolumeclaim,
  g.persistentvolume,
  g.storageclass,
  g.labels AS volume_labels,
  g.capacity_bytes / 1073741824 AS persistentvolumeclaim_capacity_gigabyte,
  g.capacity_byte_seconds / g.month_byte_seconds AS persistentvolumeclaim_capacity_gigabyte_months,
  g.request_byte_seconds / g.node_count / g.month_byte_seconds AS volume_request_storage_gigabyte_months,
  g.usage_byte_seconds / g.node_count / g.month_byte_seconds AS persistentvolumeclaim_usage_gigabyte_months,
  CAST($source_uuid AS VARCHAR) AS source_uuid,
  CAST($infrastructure_usage_cost AS VARCHAR) AS infrastructure_usage_cost,
  g.csi_volume_handle,
  cc.cost_category_id,
  g.labels AS all_labels
FROM months g
LEFT JOIN {{schema}}.finalize_cost_categories cc ON cc.namespace = g.namespace
