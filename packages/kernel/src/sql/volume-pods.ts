import { scanRanges, type RowRange } from './scan.js';

/**
 * Distinct (day, namespace, pod, node, resource_id) of pod usage, only for pods that a storage
 * row can join (non-empty namespace, pod and claim), so the partial stays small.
 */
export function volumePodsQuery(podRanges: RowRange[], storageRanges: RowRange[]): string {
  const pods = scanRanges(podRanges, { namespace: 'namespace', pod: 'pod', node: 'node', resource_id: 'resource_id' });
  const volumes = scanRanges(storageRanges, { namespace: 'namespace', pod: 'pod', claim: 'persistentvolumeclaim' });
  return `
WITH volume_pods AS (
  SELECT DISTINCT namespace, pod FROM (${volumes})
  WHERE namespace <> '' AND pod <> '' AND claim <> ''
)
SELECT DISTINCT strftime(CAST(ts AS DATE), '%Y-%m-%d') AS day, namespace, pod, node, resource_id
FROM (${pods})
WHERE node <> '' AND CAST(ts AS DATE) BETWEEN $start::DATE AND $end::DATE
  AND (namespace, pod) IN (SELECT (namespace, pod) FROM volume_pods)`;
}
