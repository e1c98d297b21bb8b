-- Merges pod usage groups (PARTIAL_TABLES.pods): one row per key; sums skip NULLs and stay NULL
-- when every value is NULL, maxes skip NULLs; NULL and '' are different keys.
INSERT INTO {{into}}.pods
SELECT
  day, namespace, node, pod, labels,
  max(resource_id),
  sum(usage_cpu), sum(request_cpu), sum(limit_cpu), sum(effective_cpu),
  sum(usage_mem), sum(request_mem), sum(limit_mem), sum(effective_mem),
  max(capacity_cores), max(capacity_bytes)
FROM {{source}} AS source
GROUP BY day, namespace, node, pod, labels
