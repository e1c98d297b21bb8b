-- Merges the nodes labelled infra (PARTIAL_TABLES.infra_nodes): a union.
INSERT INTO {{into}}.infra_nodes
SELECT DISTINCT day, node
FROM {{source}} AS source
