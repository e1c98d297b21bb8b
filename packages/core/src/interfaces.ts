/** Shared types of ocpsum's pure domain. Column names follow koku's tables. */

export const REPORT_TYPES = [
  'openshift_pod_usage_line_items',
  'openshift_storage_usage_line_items',
  'openshift_node_labels_line_items',
  'openshift_namespace_labels_line_items',
] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export type NodeRole = 'master' | 'infra' | 'worker';

/** Reference data, snapshotted into a run so every process sees the same values. */
export interface Reference {
  enabledKeys: string[];
  costCategories: { id: number; pattern: string }[];
  nodeRoles: { node: string; resourceId: string; role: NodeRole }[];
}

/** What a run summarizes and how; everything a kernel, merge or finalize needs. */
export interface RunSpec {
  org: string;
  source: string;
  year: number;
  month: number;
  /** Inclusive window, `YYYY-MM-DD`; defaults to the whole month. */
  startDate: string;
  endDate: string;
  clusterId: string;
  clusterAlias: string;
  reportPeriodId: number | null;
  byPod: boolean;
  reference: Reference;
}

/** A nullable SQL-style number: sums skip NULLs and a sum of only NULLs is NULL. */
export type Num = number | null;

export interface RowCounts {
  pod: number;
  storage: number;
  nodeLabels: number;
  namespaceLabels: number;
}

export type DataSource = 'Pod' | 'Storage';

/** One row of koku's reporting_ocpusagelineitem_daily_summary (the columns ocpsum computes). */
export interface SummaryRow {
  report_period_id: number | null;
  cluster_id: string;
  cluster_alias: string;
  data_source: DataSource;
  usage_start: string;
  usage_end: string;
  namespace: string | null;
  node: string | null;
  resource_id: string | null;
  pod: string | null;
  pod_labels: string | null;
  pod_usage_cpu_core_hours: Num;
  pod_request_cpu_core_hours: Num;
  pod_effective_usage_cpu_core_hours: Num;
  pod_limit_cpu_core_hours: Num;
  pod_usage_memory_gigabyte_hours: Num;
  pod_request_memory_gigabyte_hours: Num;
  pod_effective_usage_memory_gigabyte_hours: Num;
  pod_limit_memory_gigabyte_hours: Num;
  node_capacity_cpu_cores: Num;
  node_capacity_cpu_core_hours: Num;
  node_capacity_memory_gigabytes: Num;
  node_capacity_memory_gigabyte_hours: Num;
  cluster_capacity_cpu_core_hours: Num;
  cluster_capacity_memory_gigabyte_hours: Num;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  csi_volume_handle: string | null;
  volume_labels: string | null;
  persistentvolumeclaim_capacity_gigabyte: Num;
  persistentvolumeclaim_capacity_gigabyte_months: Num;
  volume_request_storage_gigabyte_months: Num;
  persistentvolumeclaim_usage_gigabyte_months: Num;
  source_uuid: string;
  infrastructure_usage_cost: string | null;
  cost_category_id: number | null;
  all_labels: string;
}

export interface SummaryCounts {
  pod: number;
  storage: number;
  unallocated: number;
}
