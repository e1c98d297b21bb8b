import { scanRanges, type RowRange } from './scan.js';

/** The (namespace, pod) pairs a storage row can join: non-empty namespace, pod and claim. */
export function volumePodSetQuery(storageRanges: RowRange[]): string {
  const volumes = scanRanges(storageRanges, { namespace: 'namespace', pod: 'pod', claim: 'persistentvolumeclaim' });
  return `SELECT DISTINCT namespace, pod FROM (${volumes}) WHERE namespace <> '' AND pod <> '' AND claim <> ''`;
}
