-- Merges the evidence of node roles (PARTIAL_TABLES.node_role_facts, docs/rules.md §3): the max reported
-- role, whether any row was in the apiserver namespace.
INSERT INTO {{into}}.node_role_facts
SELECT day, node, resource_id, max(reported_role), bool_or(apiserver)
FROM {{source}} AS source
GROUP BY day, node, resource_id
