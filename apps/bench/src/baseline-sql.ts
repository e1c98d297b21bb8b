/**
 * The baseline: one DuckDB SQL query over the local Parquet files that computes the pod rows of the daily
 * summary (docs/rules.md §6: group by day, namespace, node and merged labels; sums of usage, request, limit and
 * effective usage; node capacity and cluster capacity), written two ways.
 *
 * - `straightforward`: as a newcomer would write it from koku's SQL: every pod usage row is joined to its
 *   (day, node) and (day, namespace) label sets, the three JSON strings are merged and filtered to the
 *   enabled keys per row, then the rows are grouped.
 * - `tuned`: the rows are grouped by the raw label string first; labels are merged and filtered once per
 *   distinct (node, namespace, pod) label strings, and the groups are regrouped by the result.
 */
import { sqlString } from '@ocpsum/core';

export type BaselineVariant = 'straightforward' | 'tuned';
export const VARIANTS: BaselineVariant[] = ['straightforward', 'tuned'];

export interface BaselineInput {
  podFiles: string[];
  nodeLabelFiles: string[];
  namespaceLabelFiles: string[];
  /** Enabled label keys (`vm_kubevirt_io_name` is added: koku always enables it). */
  enabledKeys: string[];
  year: number;
  month: number;
}

/** The summary columns a baseline row has, in order (koku's names). */
export const POD_COLUMNS = [
  'usage_start',
  'namespace',
  'node',
  'resource_id',
  'pod_labels',
  'pod_usage_cpu_core_hours',
  'pod_request_cpu_core_hours',
  'pod_effective_usage_cpu_core_hours',
  'pod_limit_cpu_core_hours',
  'pod_usage_memory_gigabyte_hours',
  'pod_request_memory_gigabyte_hours',
  'pod_effective_usage_memory_gigabyte_hours',
  'pod_limit_memory_gigabyte_hours',
  'node_capacity_cpu_cores',
  'node_capacity_cpu_core_hours',
  'node_capacity_memory_gigabytes',
  'node_capacity_memory_gigabyte_hours',
  'cluster_capacity_cpu_core_hours',
  'cluster_capacity_memory_gigabyte_hours',
] as const;

export const NUMERIC_COLUMNS = POD_COLUMNS.slice(5);

const GB = '1073741824.0';

function parquet(files: string[], columns: string): string {
  if (!files.length) return `(SELECT ${columns} WHERE false)`;
  return `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`;
}

/** SQL of the whole query; its result is the pod rows. */
export function baselineSql(variant: BaselineVariant, input: BaselineInput): string {
  const keys = `[${[...new Set([...input.enabledKeys, 'vm_kubevirt_io_name'])].map(sqlString).join(', ')}]`;
  const start = `${input.year}-${String(input.month).padStart(2, '0')}-01`;
  const window = `interval_start >= TIMESTAMP '${start}' AND interval_start < TIMESTAMP '${start}' + INTERVAL 1 MONTH`;
  // A JSON object → only the enabled keys, sorted, as compact JSON (the form ocpsum writes).
  const enabled = (json: string) =>
    `CAST(to_json(map_from_entries(list_sort(list_filter(` +
    `map_entries(json_transform(${json}, '"MAP(VARCHAR, VARCHAR)"')), e -> list_contains(${keys}, e.key))))) AS VARCHAR)`;
  const orEmpty = (column: string) => `coalesce(nullif(${column}, ''), '{}')`;
  // SQL's greatest: NULL if either side is (DuckDB's greatest skips NULLs).
  const effective = (eff: string, usage: string, request: string) =>
    `coalesce(${eff}, CASE WHEN ${usage} IS NULL OR ${request} IS NULL THEN NULL ELSE greatest(${usage}, ${request}) END)`;
  const effCpu = (p = '') =>
    effective(
      `${p}pod_effective_usage_cpu_core_seconds`,
      `${p}pod_usage_cpu_core_seconds`,
      `${p}pod_request_cpu_core_seconds`,
    );
  const effMem = (p = '') =>
    effective(
      `${p}pod_effective_usage_memory_byte_seconds`,
      `${p}pod_usage_memory_byte_seconds`,
      `${p}pod_request_memory_byte_seconds`,
    );
  if (!input.podFiles.length) throw new Error('the baseline needs pod usage files');

  const common = `
pods AS NOT MATERIALIZED (
  SELECT * FROM ${parquet(input.podFiles, '')}
  WHERE ${window}
),
node_labels AS (
  SELECT CAST(interval_start AS DATE) AS usage_start, node, arg_max(node_labels, (interval_start, node_labels)) AS labels
  FROM ${parquet(input.nodeLabelFiles, 'NULL::TIMESTAMP AS interval_start, NULL::VARCHAR AS node, NULL::VARCHAR AS node_labels')}
  WHERE ${window}
  GROUP BY ALL
),
namespace_labels AS (
  SELECT CAST(interval_start AS DATE) AS usage_start, namespace, arg_max(namespace_labels, (interval_start, namespace_labels)) AS labels
  FROM ${parquet(input.namespaceLabelFiles, 'NULL::TIMESTAMP AS interval_start, NULL::VARCHAR AS namespace, NULL::VARCHAR AS namespace_labels')}
  WHERE ${window}
  GROUP BY ALL
),
capacity AS (
  SELECT usage_start, node, sum(cpu) AS cpu_core_seconds, sum(mem) AS memory_byte_seconds
  FROM (
    SELECT CAST(interval_start AS DATE) AS usage_start, interval_start, node,
      max(node_capacity_cpu_core_seconds) AS cpu, max(node_capacity_memory_byte_seconds) AS mem
    FROM pods GROUP BY ALL
  )
  GROUP BY ALL
),
cluster AS (
  SELECT usage_start, sum(cpu_core_seconds) AS cpu_core_seconds, sum(memory_byte_seconds) AS memory_byte_seconds
  FROM capacity GROUP BY ALL
)`;

  const final = `
SELECT r.usage_start, r.namespace, r.node, r.resource_id, r.pod_labels,
  r.usage_cpu / 3600 AS pod_usage_cpu_core_hours,
  r.request_cpu / 3600 AS pod_request_cpu_core_hours,
  r.effective_cpu / 3600 AS pod_effective_usage_cpu_core_hours,
  r.limit_cpu / 3600 AS pod_limit_cpu_core_hours,
  r.usage_mem / 3600 / ${GB} AS pod_usage_memory_gigabyte_hours,
  r.request_mem / 3600 / ${GB} AS pod_request_memory_gigabyte_hours,
  r.effective_mem / 3600 / ${GB} AS pod_effective_usage_memory_gigabyte_hours,
  r.limit_mem / 3600 / ${GB} AS pod_limit_memory_gigabyte_hours,
  r.capacity_cores AS node_capacity_cpu_cores,
  c.cpu_core_seconds / 3600 AS node_capacity_cpu_core_hours,
  r.capacity_bytes / ${GB} AS node_capacity_memory_gigabytes,
  c.memory_byte_seconds / 3600 / ${GB} AS node_capacity_memory_gigabyte_hours,
  k.cpu_core_seconds / 3600 AS cluster_capacity_cpu_core_hours,
  k.memory_byte_seconds / 3600 / ${GB} AS cluster_capacity_memory_gigabyte_hours
FROM pod_rows r
JOIN capacity c ON c.usage_start = r.usage_start AND c.node = r.node
JOIN cluster k ON k.usage_start = r.usage_start`;

  if (variant === 'straightforward') {
    return `WITH ${common},
labelled AS (
  SELECT CAST(p.interval_start AS DATE) AS usage_start, coalesce(p.namespace, '') AS namespace, p.node, p.resource_id,
    ${enabled(`json_merge_patch(${orEmpty('n.labels')}, ${orEmpty('s.labels')}, ${orEmpty('p.pod_labels')})`)} AS pod_labels,
    p.pod_usage_cpu_core_seconds, p.pod_request_cpu_core_seconds, p.pod_limit_cpu_core_seconds,
    ${effCpu('p.')} AS effective_cpu,
    p.pod_usage_memory_byte_seconds, p.pod_request_memory_byte_seconds, p.pod_limit_memory_byte_seconds,
    ${effMem('p.')} AS effective_mem,
    p.node_capacity_cpu_cores, p.node_capacity_memory_bytes
  FROM pods p
  LEFT JOIN node_labels n ON n.usage_start = CAST(p.interval_start AS DATE) AND n.node = p.node
  LEFT JOIN namespace_labels s ON s.usage_start = CAST(p.interval_start AS DATE) AND s.namespace = p.namespace
  WHERE p.node IS NOT NULL AND p.node <> ''
),
pod_rows AS (
  SELECT usage_start, namespace, node, pod_labels, max(resource_id) AS resource_id,
    sum(pod_usage_cpu_core_seconds) AS usage_cpu, sum(pod_request_cpu_core_seconds) AS request_cpu,
    sum(effective_cpu) AS effective_cpu, sum(pod_limit_cpu_core_seconds) AS limit_cpu,
    sum(pod_usage_memory_byte_seconds) AS usage_mem, sum(pod_request_memory_byte_seconds) AS request_mem,
    sum(effective_mem) AS effective_mem, sum(pod_limit_memory_byte_seconds) AS limit_mem,
    max(node_capacity_cpu_cores) AS capacity_cores, max(node_capacity_memory_bytes) AS capacity_bytes
  FROM labelled
  GROUP BY usage_start, namespace, node, pod_labels
)${final}`;
  }

  return `WITH ${common},
raw AS (
  SELECT CAST(interval_start AS DATE) AS usage_start, coalesce(namespace, '') AS namespace, node,
    ${orEmpty('pod_labels')} AS raw_labels, max(resource_id) AS resource_id,
    sum(pod_usage_cpu_core_seconds) AS usage_cpu, sum(pod_request_cpu_core_seconds) AS request_cpu,
    sum(${effCpu()}) AS effective_cpu, sum(pod_limit_cpu_core_seconds) AS limit_cpu,
    sum(pod_usage_memory_byte_seconds) AS usage_mem, sum(pod_request_memory_byte_seconds) AS request_mem,
    sum(${effMem()}) AS effective_mem, sum(pod_limit_memory_byte_seconds) AS limit_mem,
    max(node_capacity_cpu_cores) AS capacity_cores, max(node_capacity_memory_bytes) AS capacity_bytes
  FROM pods
  WHERE node IS NOT NULL AND node <> ''
  GROUP BY ALL
),
joined AS (
  SELECT r.*, ${orEmpty('n.labels')} AS node_raw, ${orEmpty('s.labels')} AS namespace_raw
  FROM raw r
  LEFT JOIN node_labels n ON n.usage_start = r.usage_start AND n.node = r.node
  LEFT JOIN namespace_labels s ON s.usage_start = r.usage_start AND s.namespace = r.namespace
),
merged AS (
  SELECT node_raw, namespace_raw, raw_labels,
    ${enabled('json_merge_patch(node_raw, namespace_raw, raw_labels)')} AS pod_labels
  FROM (SELECT DISTINCT node_raw, namespace_raw, raw_labels FROM joined)
),
pod_rows AS (
  SELECT j.usage_start, j.namespace, j.node, m.pod_labels, max(j.resource_id) AS resource_id,
    sum(j.usage_cpu) AS usage_cpu, sum(j.request_cpu) AS request_cpu, sum(j.effective_cpu) AS effective_cpu,
    sum(j.limit_cpu) AS limit_cpu, sum(j.usage_mem) AS usage_mem, sum(j.request_mem) AS request_mem,
    sum(j.effective_mem) AS effective_mem, sum(j.limit_mem) AS limit_mem,
    max(j.capacity_cores) AS capacity_cores, max(j.capacity_bytes) AS capacity_bytes
  FROM joined j
  JOIN merged m ON m.node_raw = j.node_raw AND m.namespace_raw = j.namespace_raw AND m.raw_labels = j.raw_labels
  GROUP BY j.usage_start, j.namespace, j.node, m.pod_labels
)${final}`;
}

/**
 * Compares the baseline's rows (table `baseline_rows`) with ocpsum's pod rows in its CSV: matched on
 * (usage_start, namespace, node, pod_labels), numbers equal within 1e-9 relative.
 */
export function checkSql(csv: string): string {
  const same = (c: string) =>
    `((b.${c} IS NULL AND o.${c} IS NULL) OR abs(b.${c} - o.${c}) <= 1e-9 * greatest(abs(b.${c}), abs(o.${c})))`;
  const casts = NUMERIC_COLUMNS.map((c) => `CAST(${c} AS DOUBLE) AS ${c}`).join(', ');
  return `
WITH o AS (
  SELECT CAST(usage_start AS DATE) AS usage_start, namespace, node, resource_id, pod_labels, ${casts}
  FROM read_csv(${sqlString(csv)}, header = true, all_varchar = true)
  WHERE data_source = 'Pod' AND namespace NOT IN ('Platform unallocated', 'Worker unallocated')
),
pairs AS (
  SELECT b.node AS b_node, o.node AS o_node,
    (b.resource_id IS NOT DISTINCT FROM o.resource_id) AND ${NUMERIC_COLUMNS.map(same).join(' AND ')} AS same
  FROM baseline_rows b
  FULL OUTER JOIN o ON b.usage_start = o.usage_start AND b.namespace = o.namespace AND b.node = o.node
    AND b.pod_labels = o.pod_labels
)
SELECT
  (SELECT count(*) FROM o) AS ocpsum_rows,
  count(*) FILTER (WHERE b_node IS NOT NULL AND o_node IS NOT NULL AND same) AS matched,
  count(*) FILTER (WHERE b_node IS NOT NULL AND o_node IS NOT NULL AND NOT same) AS differ,
  count(*) FILTER (WHERE o_node IS NULL) AS only_baseline,
  count(*) FILTER (WHERE b_node IS NULL) AS only_ocpsum
FROM pairs`;
}
