import { scanRanges, type RowRange } from './scan.js';

/** The (namespace, pod) pairs a storage row can join: non-empty namespace, pod and claim. */
export function volumePodSetQuery(storageRanges: RowRange[]): string {
  const volumes = scanRanges(storageRanges, { namespace: 'namespace', pod: 'pod', claim: 'persistentvolumeclaim' });
  return `SELECT DISTINCT namespace, pod FROM (${volumes}) WHERE namespace <> '' AND pod <> '' AND claim <> ''`;
}

/**
 * Distinct (day, namespace, pod, node, resource_id) of pod usage, only for the pods in the table
 * of volume pods, so the partial stays small. Parameters: $start, $end.
 */
export function volumePodsQuery(podRanges: RowRange[], volumePodTable: string): string {
  const pods = scanRanges(podRanges, { namespace: 'namespace', pod: 'pod', node: 'node', resource_id: 'resource_id' });
  return `
SELECT DISTINCT strftime(CAST(ts AS DATE), '%Y-%m-%d') AS day, namespace, pod, node, resource_id
FROM (${pods})
WHERE node <> '' AND CAST(ts AS DATE) BETWEEN $start::DATE AND $end::DATE
  AND (namespace, pod) IN (SELECT (namespace, pod) FROM ${volumePodTable})`;
}
