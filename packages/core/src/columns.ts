import type { DataSource, SummaryRow } from './interfaces.js';

/** koku's `infrastructure_usage_cost` of pod and storage rows: the summary writes no cost. */
export const INFRASTRUCTURE_USAGE_COST = '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';

/** What a column holds: sinks map these to their own types. */
export type ColumnKind = 'integer' | 'text' | 'date' | 'number' | 'json';

/** Every output column, in koku's order, with its kind. */
export const SUMMARY_COLUMNS: Readonly<Record<keyof SummaryRow, ColumnKind>> = {
  report_period_id: 'integer',
  cluster_id: 'text',
  cluster_alias: 'text',
  data_source: 'text',
  usage_start: 'date',
  usage_end: 'date',
  namespace: 'text',
  node: 'text',
  resource_id: 'text',
  pod: 'text',
  pod_labels: 'json',
  pod_usage_cpu_core_hours: 'number',
  pod_request_cpu_core_hours: 'number',
  pod_effective_usage_cpu_core_hours: 'number',
  pod_limit_cpu_core_hours: 'number',
  pod_usage_memory_gigabyte_hours: 'number',
  pod_request_memory_gigabyte_hours: 'number',
  pod_effective_usage_memory_gigabyte_hours: 'number',
  pod_limit_memory_gigabyte_hours: 'number',
  node_capacity_cpu_cores: 'number',
  node_capacity_cpu_core_hours: 'number',
  node_capacity_memory_gigabytes: 'number',
  node_capacity_memory_gigabyte_hours: 'number',
  cluster_capacity_cpu_core_hours: 'number',
  cluster_capacity_memory_gigabyte_hours: 'number',
  persistentvolumeclaim: 'text',
  persistentvolume: 'text',
  storageclass: 'text',
  volume_labels: 'json',
  persistentvolumeclaim_capacity_gigabyte: 'number',
  persistentvolumeclaim_capacity_gigabyte_months: 'number',
  volume_request_storage_gigabyte_months: 'number',
  persistentvolumeclaim_usage_gigabyte_months: 'number',
  source_uuid: 'text',
  infrastructure_usage_cost: 'json',
  csi_volume_handle: 'text',
  cost_category_id: 'integer',
  all_labels: 'json',
};

/** Output columns in koku's order; `pod` only when grouping by pod. */
export function summaryColumns(byPod: boolean): (keyof SummaryRow)[] {
  return (Object.keys(SUMMARY_COLUMNS) as (keyof SummaryRow)[]).filter((c) => byPod || c !== 'pod');
}

/** The columns that identify a row, in the order rows are written: every run writes the same rows in the same order. */
export const SUMMARY_ORDER_COLUMNS: readonly (keyof SummaryRow)[] = [
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

/**
 * The ORDER BY of every output: NULLs first, then ascending (text by its UTF-8 bytes, DuckDB's
 * default collation).
 */
export const SUMMARY_ORDER_BY = SUMMARY_ORDER_COLUMNS.map((c) => `${c} ASC NULLS FIRST`).join(', ');

/**
 * The data sources in the order rows are written (data_source leads SUMMARY_ORDER_BY, then
 * usage_start): the rows of each source, day after day, are the whole summary in order.
 */
export const DATA_SOURCES: readonly DataSource[] = ['Pod', 'Storage'];

/** The DuckDB type of each kind of column, in the summary table finalize writes and sinks read. */
export const SUMMARY_SQL_TYPES: Readonly<Record<ColumnKind, 'INTEGER' | 'VARCHAR' | 'DATE' | 'DOUBLE'>> = {
  integer: 'INTEGER',
  text: 'VARCHAR',
  date: 'DATE',
  number: 'DOUBLE',
  json: 'VARCHAR',
};
