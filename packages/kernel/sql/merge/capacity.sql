-- Merges node capacity cells (PARTIAL_TABLES.capacity): the max per (interval, node) over every chunk.
INSERT INTO {{into}}.capacity
SELECT day, "interval", node, max(cpu_core_seconds), max(mem_byte_seconds)
FROM {{source}} AS source
GROUP BY day, "interval", node
