import type { ReportType } from '@ocpsum/core';

export type ColumnType = 'TIMESTAMP' | 'DOUBLE' | 'VARCHAR';
export interface Column {
  name: string;
  type: ColumnType;
}

const ts = (name: string): Column => ({ name, type: 'TIMESTAMP' });
const num = (name: string): Column => ({ name, type: 'DOUBLE' });
const str = (name: string): Column => ({ name, type: 'VARCHAR' });

/**
 * The columns written per report type, in file order. Names follow koku's Parquet; interval_end
 * stays the operator's string, as nothing downstream reads it.
 */
export const REPORT_COLUMNS: Record<ReportType, readonly Column[]> = {
  openshift_pod_usage_line_items: [
    ts('interval_start'),
    str('interval_end'),
    str('namespace'),
    str('node'),
    str('pod'),
    str('resource_id'),
    str('pod_labels'),
    num('pod_usage_cpu_core_seconds'),
    num('pod_request_cpu_core_seconds'),
    num('pod_limit_cpu_core_seconds'),
    num('pod_usage_memory_byte_seconds'),
    num('pod_request_memory_byte_seconds'),
    num('pod_limit_memory_byte_seconds'),
    num('pod_effective_usage_cpu_core_seconds'),
    num('pod_effective_usage_memory_byte_seconds'),
    num('node_capacity_cpu_cores'),
    num('node_capacity_cpu_core_seconds'),
    num('node_capacity_memory_bytes'),
    num('node_capacity_memory_byte_seconds'),
  ],
  openshift_storage_usage_line_items: [
    ts('interval_start'),
    str('interval_end'),
    str('namespace'),
    str('pod'),
    str('persistentvolumeclaim'),
    str('persistentvolume'),
    str('storageclass'),
    num('persistentvolumeclaim_capacity_bytes'),
    num('persistentvolumeclaim_capacity_byte_seconds'),
    num('volume_request_storage_byte_seconds'),
    num('persistentvolumeclaim_usage_byte_seconds'),
    str('persistentvolume_labels'),
    str('persistentvolumeclaim_labels'),
    str('csi_volume_handle'),
  ],
  openshift_node_labels_line_items: [ts('interval_start'), str('interval_end'), str('node'), str('node_labels')],
  openshift_namespace_labels_line_items: [
    ts('interval_start'),
    str('interval_end'),
    str('namespace'),
    str('namespace_labels'),
  ],
};
