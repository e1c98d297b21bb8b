-- Merges the (day, namespace, pod, node, resource_id) of pods with volumes (PARTIAL_TABLES.pod_nodes): a union.
INSERT INTO {{into}}.pod_nodes
SELECT DISTINCT day, namespace, pod, node, resource_id
FROM {{source}} AS source
