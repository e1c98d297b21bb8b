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

/** Pod usage rows grouped by day, namespace, node, (pod) and filtered pod labels. Seconds units. */
export interface PodGroup {
  day: string;
  namespace: string;
  node: string;
  pod: string | null;
  /** Compact sorted JSON of the enabled pod labels. */
  labels: string;
  resourceId: string | null;
  usageCpu: Num;
  requestCpu: Num;
  limitCpu: Num;
  effectiveCpu: Num;
  usageMem: Num;
  requestMem: Num;
  limitMem: Num;
  effectiveMem: Num;
  capacityCpuCores: Num;
  capacityMemBytes: Num;
}

/** Max node capacity seconds for one (interval_start, node); empty nodes included. */
export interface CapacityCell {
  day: string;
  /** interval_start as epoch microseconds. */
  interval: number;
  node: string | null;
  cpuCoreSeconds: Num;
  memByteSeconds: Num;
}

/** A distinct (day, namespace, pod, node, resource_id) of pod usage, kept only for pods with volumes. */
export interface PodNode {
  day: string;
  namespace: string;
  pod: string;
  node: string;
  resourceId: string | null;
}

/** Storage usage rows grouped by their own columns and filtered labels. */
export interface StorageGroup {
  day: string;
  namespace: string | null;
  pod: string | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  csiVolumeHandle: string | null;
  pvLabels: string;
  pvcLabels: string;
  capacityBytes: Num;
  capacityByteSeconds: Num;
  requestByteSeconds: Num;
  usageByteSeconds: Num;
}

/** The label set of a (day, node) or (day, namespace): the latest interval_start wins. */
export interface LatestLabels {
  day: string;
  name: string;
  interval: number;
  labels: string;
}

/**
 * What pod usage tells of a node's role, for one (day, node, resource_id) with a non-empty node:
 * the facts koku's nodes query (`get_nodes_query_sql`) reads over a window. The window's answer is
 * the merge over its days.
 */
export interface NodeRoleFact {
  day: string;
  node: string;
  resourceId: string | null;
  /** Max of the pod report's non-empty `node_role` values; NULL when there are none (or no such column). */
  reportedRole: string | null;
  /** Whether any of the rows has namespace `openshift-kube-apiserver`. */
  apiserver: boolean;
}

/** A (day, node) whose raw node labels that day hold `node_role_kubernetes_io` = `infra`. */
export interface InfraNode {
  day: string;
  node: string;
}

export interface RowCounts {
  pod: number;
  storage: number;
  nodeLabels: number;
  namespaceLabels: number;
}

/**
 * The mergeable state of a chunk. Maps are keyed by `groupKey(...)` of the group columns,
 * so merging is a key-wise sum/max and is associative and commutative.
 */
export interface PartialAggregate {
  pods: Map<string, PodGroup>;
  capacity: Map<string, CapacityCell>;
  podNodes: Map<string, PodNode>;
  storage: Map<string, StorageGroup>;
  nodeLabels: Map<string, LatestLabels>;
  namespaceLabels: Map<string, LatestLabels>;
  /** Node-role evidence of pod usage, by (day, node, resource_id): max role, OR of the apiserver flag. */
  nodeRoleFacts: Map<string, NodeRoleFact>;
  /** Nodes labelled infra, by (day, node): a union. */
  infraNodes: Map<string, InfraNode>;
  /** Rows read inside the window, per report type. */
  rowsIn: RowCounts;
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
