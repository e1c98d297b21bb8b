import { windowRows, type RowRange } from './scan.js';

const num = (column: string) => `CAST(${column} AS DOUBLE)`;

/** Storage usage grouped by its own columns and raw label strings. Parameters: $start, $end. */
export function storageUsageQuery(ranges: RowRange[]): string {
  const rows = windowRows(
    ranges,
    {
      namespace: 'namespace',
      pod: 'pod',
      persistentvolumeclaim: 'persistentvolumeclaim',
      persistentvolume: 'persistentvolume',
      storageclass: 'storageclass',
      pv_labels: 'persistentvolume_labels',
      pvc_labels: 'persistentvolumeclaim_labels',
      capacity_bytes: num('persistentvolumeclaim_capacity_bytes'),
      capacity_byte_seconds: num('persistentvolumeclaim_capacity_byte_seconds'),
      request_byte_seconds: num('volume_request_storage_byte_seconds'),
      usage_byte_seconds: num('persistentvolumeclaim_usage_byte_seconds'),
    },
    { csi_volume_handle: { column: 'csi_volume_handle', type: 'VARCHAR' } },
  );
  return `
SELECT day, namespace, pod, persistentvolumeclaim, persistentvolume, storageclass,
  csi_volume_handle, pv_labels, pvc_labels,
  max(capacity_bytes) AS capacity_bytes,
  sum(capacity_byte_seconds) AS capacity_byte_seconds,
  sum(request_byte_seconds) AS request_byte_seconds,
  sum(usage_byte_seconds) AS usage_byte_seconds,
  count(*) AS rows_in
FROM (${rows})
GROUP BY ALL`;
}
