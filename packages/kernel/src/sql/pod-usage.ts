import { APISERVER_NAMESPACE, sqlString } from '@ocpsum/core';
import { scanRanges, type RowRange } from './scan.js';

const num = (column: string) => `CAST(${column} AS DOUBLE)`;

/** greatest() in koku's SQL is NULL when either side is; DuckDB's skips NULLs, so spell it out. */
const effective = (effective: string, usage: string, request: string) =>
  `coalesce(${effective}, CASE WHEN ${usage} IS NULL OR ${request} IS NULL THEN NULL ELSE greatest(${usage}, ${request}) END)`;

/**
 * Pod usage of a chunk in one pass, in grouping sets:
 * - pod groups by (day, namespace, node[, pod], raw pod_labels), labels worked out later per distinct
 *   string and the groups regrouped by them;
 * - capacity cells by (interval_start `ts`, node, resource_id): max capacity seconds, every row counted
 *   (empty nodes too); the caller takes the max over a node's resource_ids. The same cells carry the
 *   node-role facts: max of the non-empty node_role values (NULL when the file has no such column)
 *   and whether any row is in the apiserver namespace (riding on the capacity cells costs the query
 *   less than a grouping set of their own).
 * - with a table of pods that have volumes: their distinct (day, namespace, pod, node, resource_id),
 *   for the storage join (other pods fall into groups whose vp_namespace is NULL).
 * `kind` tells the sets apart. Parameters: $start, $end (inclusive window dates).
 */
export function podUsageQuery(ranges: RowRange[], byPod: boolean, volumePodTable: string | null): string {
  const rows = scanRanges(
    ranges,
    {
      namespace: 'namespace',
      node: 'node',
      pod: 'pod',
      resource_id: 'resource_id',
      pod_labels: 'pod_labels',
      usage_cpu: num('pod_usage_cpu_core_seconds'),
      request_cpu: num('pod_request_cpu_core_seconds'),
      limit_cpu: num('pod_limit_cpu_core_seconds'),
      usage_mem: num('pod_usage_memory_byte_seconds'),
      request_mem: num('pod_request_memory_byte_seconds'),
      limit_mem: num('pod_limit_memory_byte_seconds'),
      capacity_cores: num('node_capacity_cpu_cores'),
      capacity_core_seconds: num('node_capacity_cpu_core_seconds'),
      capacity_bytes: num('node_capacity_memory_bytes'),
      capacity_byte_seconds: num('node_capacity_memory_byte_seconds'),
    },
    {
      effective_cpu: { column: 'pod_effective_usage_cpu_core_seconds', type: 'DOUBLE' },
      effective_mem: { column: 'pod_effective_usage_memory_byte_seconds', type: 'DOUBLE' },
      node_role: { column: 'node_role', type: 'VARCHAR' },
    },
  );
  const podSet = byPod ? 'day, namespace, node, pod, pod_labels' : 'day, namespace, node, pod_labels';
  // The table holds distinct (namespace, pod) pairs, so the join adds a flag, never rows; a hash
  // join costs less than testing `(namespace, pod) IN (…)` row by row.
  const hasVolume = `u.node <> '' AND v.pod IS NOT NULL`;
  const volume = volumePodTable
    ? {
        columns: `, CASE WHEN ${hasVolume} THEN u.namespace END AS vp_namespace, CASE WHEN ${hasVolume} THEN u.pod END AS vp_pod`,
        join: ` LEFT JOIN ${volumePodTable} v ON v.namespace = u.namespace AND v.pod = u.pod`,
        kind: `WHEN grouping(vp_namespace) = 0 THEN 'volume' `,
        set: ', (day, vp_namespace, vp_pod, node, resource_id)',
        select: 'vp_namespace, vp_pod',
      }
    : { columns: '', join: '', kind: '', set: '', select: 'NULL::VARCHAR AS vp_namespace, NULL::VARCHAR AS vp_pod' };
  return `
WITH rows AS (
  SELECT u.*, CAST(u.ts AS DATE) AS day${volume.columns}
  FROM (${rows}) u${volume.join} WHERE CAST(u.ts AS DATE) BETWEEN $start::DATE AND $end::DATE
)
SELECT
  CASE WHEN grouping(ts) = 0 THEN 'capacity' ${volume.kind}ELSE 'pod' END AS kind,
  day,
  ts,
  namespace, node, ${byPod ? 'pod' : 'NULL::VARCHAR AS pod'}, pod_labels, ${volume.select},
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
  max(capacity_bytes) AS capacity_bytes,
  max(capacity_core_seconds) AS capacity_core_seconds,
  max(capacity_byte_seconds) AS capacity_byte_seconds,
  max(nullif(node_role, '')) AS reported_role,
  bool_or(namespace = ${sqlString(APISERVER_NAMESPACE)}) AS apiserver,
  count(*) AS rows_in
FROM rows
GROUP BY GROUPING SETS ((${podSet}), (day, ts, node, resource_id)${volume.set})`;
}
