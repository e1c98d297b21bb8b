import type { SummaryRow } from './interfaces.js';

/** Output columns in koku's order; `pod` only when grouping by pod. */
export function summaryColumns(byPod: boolean): (keyof SummaryRow)[] {
  return [
    'report_period_id',
    'cluster_id',
    'cluster_alias',
    'data_source',
    'usage_start',
    'usage_end',
    'namespace',
    'node',
    'resource_id',
    ...(byPod ? (['pod'] as const) : []),
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
    'persistentvolumeclaim',
    'persistentvolume',
    'storageclass',
    'volume_labels',
    'persistentvolumeclaim_capacity_gigabyte',
    'persistentvolumeclaim_capacity_gigabyte_months',
    'volume_request_storage_gigabyte_months',
    'persistentvolumeclaim_usage_gigabyte_months',
    'source_uuid',
    'infrastructure_usage_cost',
    'csi_volume_handle',
    'cost_category_id',
    'all_labels',
  ];
}

/** The columns that identify a row; sorting by them gives every run the same order. */
const ORDER: (keyof SummaryRow)[] = [
  'data_source',
  'usage_start',
  'namespace',
  'node',
  'resource_id',
  'pod',
  'pod_labels',
  'persistentvolumeclaim',
  'persistentvolume',
  'storageclass',
  'csi_volume_handle',
  'volume_labels',
];

export function compareRows(a: SummaryRow, b: SummaryRow): number {
  for (const column of ORDER) {
    const x = a[column] as string | null;
    const y = b[column] as string | null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
