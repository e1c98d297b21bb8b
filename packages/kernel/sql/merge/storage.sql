-- Merges storage usage groups (PARTIAL_TABLES.storage): max capacity, sums that skip NULLs.
INSERT INTO {{into}}.storage
SELECT
  day, namespace, pod, persistentvolumeclaim, persistentvolume, storageclass, csi_volume_handle,
  pv_labels, pvc_labels,
  max(capacity_bytes), sum(capacity_byte_seconds), sum(request_byte_seconds), sum(usage_byte_seconds)
FROM {{source}} AS source
GROUP BY day, namespace, pod, persistentvolumeclaim, persistentvolume, storageclass, csi_volume_handle,
  pv_labels, pvc_labels
