import { APISERVER_NAMESPACE, sqlString } from '@ocpsum/core';
import { windowRows, type RowRange } from './scan.js';

// Pod usage is read by three queries, each scanning only the columns it needs and computing only
// its own aggregates: in one query of grouping sets DuckDB computed every aggregate for every set.
// Parameters of each: $start, $end (inclusive window dates).

const num = (column: string) => `CAST(${column} AS DOUBLE)`;

/** greatest() in koku's SQL is NULL when either side is; DuckDB's skips NULLs, so spell it out. */
const effective = (effective: string, usage: string, request: string) =>
  `coalesce(${effective}, CASE WHEN ${usage} IS NULL OR ${request} IS NULL THEN NULL ELSE greatest(${usage}, ${request}) END)`;

/**
 * Pod groups by (day, namespace, node[, pod], raw pod_labels), labels worked out later per distinct
 * string and the groups regrouped by them. Rows with an empty or NULL node make no pod group.
 */
export function podGroupsQuery(ranges: RowRange[], byPod: boolean): string {
  const rows = windowRows(
    ranges,
    {
      namespace: 'namespace',
      node: 'node',
      pod: byPod ? 'pod' : 'NULL::VARCHAR',
      resource_id: 'resource_id',
      pod_labels: 'pod_labels',
      usage_cpu: num('pod_usage_cpu_core_seconds'),
      request_cpu: num('pod_request_cpu_core_seconds'),
      limit_cpu: num('pod_limit_cpu_core_seconds'),
      usage_mem: num('pod_usage_memory_byte_seconds'),
      request_mem: num('pod_request_memory_byte_seconds'),
      limit_mem: num('pod_limit_memory_byte_seconds'),
      capacity_cores: num('node_capacity_cpu_cores'),
      capacity_bytes: num('node_capacity_memory_bytes'),
    },
    {
      effective_cpu: { column: 'pod_effective_usage_cpu_core_seconds', type: 'DOUBLE' },
      effective_mem: { column: 'pod_effective_usage_memory_byte_seconds', type: 'DOUBLE' },
    },
    `node <> ''`,
  );
  return `
SELECT day, namespace, node, pod, pod_labels,
  max(resource_id) AS resource_id,
  sum(usage_cpu) AS usage_cpu,
  sum(request_cpu) AS request_cpu,
  sum(limit_cpu) AS limit_cpu,
  sum(${effective('effective_cpu', 'usage_cpu', 'request_cpu')}) AS effective_cpu,
  sum(usage_mem) AS usage_mem,
  sum(request_mem) AS request_mem,
  sum(limit_mem) AS limit_mem,
  sum(${effective('effective_mem', 'usage_mem', 'request_mem')}) AS effective_mem,
  max(capacity_cores) AS capacity_cores,
  max(capacity_bytes) AS capacity_bytes
FROM (${rows})
GROUP BY day, namespace, node, pod, pod_labels`;
}

/**
 * Capacity cells by (day, interval_start `ts`, node, resource_id): max capacity seconds, every row
 * counted (empty nodes too); the caller takes the max over a node's resource_ids. The same cells
 * carry the node-role facts: max of the non-empty node_role values (NULL when the file has no such
 * column) and whether any row is in the apiserver namespace.
 */
export function capacityCellsQuery(ranges: RowRange[]): string {
  const rows = windowRows(
    ranges,
    {
      namespace: 'namespace',
      node: 'node',
      resource_id: 'resource_id',
      capacity_core_seconds: num('node_capacity_cpu_core_seconds'),
      capacity_byte_seconds: num('node_capacity_memory_byte_seconds'),
    },
    { node_role: { column: 'node_role', type: 'VARCHAR' } },
  );
  return `
SELECT day, ts, node, resource_id,
  max(capacity_core_seconds) AS capacity_core_seconds,
  max(capacity_byte_seconds) AS capacity_byte_seconds,
  max(nullif(node_role, '')) AS reported_role,
  bool_or(namespace = ${sqlString(APISERVER_NAMESPACE)}) AS apiserver,
  count(*) AS rows_in
FROM (${rows})
GROUP BY day, ts, node, resource_id`;
}

/**
 * How many rows of `pod_groups` and `capacity_cells` (the tables of the two queries above, on the
 * connection) hold a number that is not finite: a NaN or infinity read makes their sum or max one.
 */
export function nonFiniteGroupsQuery(): string {
  const podGroups = [
    'usage_cpu',
    'request_cpu',
    'limit_cpu',
    'effective_cpu',
    'usage_mem',
    'request_mem',
    'limit_mem',
    'effective_mem',
    'capacity_cores',
    'capacity_bytes',
  ];
  const capacityCells = ['capacity_core_seconds', 'capacity_byte_seconds'];
  const count = (table: string, columns: string[]) =>
    `(SELECT count(*) FROM ${table} WHERE ${columns.map((c) => `NOT isfinite(${c})`).join(' OR ')})`;
  return `SELECT (${count('pod_groups', podGroups)} + ${count('capacity_cells', capacityCells)})::DOUBLE`;
}

/**
 * The distinct (day, namespace, pod, node, resource_id) of pods in `volumePodTable` (distinct
 * (namespace, pod) pairs that have volumes) on a non-empty node: what the storage rows join to.
 */
export function volumePodNodesQuery(ranges: RowRange[], volumePodTable: string): string {
  const columns = { namespace: 'namespace', pod: 'pod', node: 'node', resource_id: 'resource_id' };
  const rows = windowRows(ranges, columns, {}, `node <> ''`);
  return `
SELECT DISTINCT r.day, r.namespace, r.pod, r.node, r.resource_id
FROM (${rows}) r SEMI JOIN ${volumePodTable} v ON v.namespace = r.namespace AND v.pod = r.pod`;
}
