/**
 * The partial aggregate as DuckDB tables: what a kernel writes for its chunk, what a merge
 * combines (associative and commutative: any cut, any order gives one pass) and what finalize
 * reads. Every table has a `day`, so a partial can be cut by day. Labels are already normalized
 * (enabled keys only, compact JSON with sorted keys; `{}` for none).
 *
 * How a merge combines rows of one key: `sum` (NULLs skipped, all NULL stays NULL), `max`, `or`
 * (bool_or), `latest` (the row with the largest (interval, labels) of the key wins, so ties never
 * depend on order), `distinct` (the key alone).
 */

export type ColumnType = 'DATE' | 'VARCHAR' | 'DOUBLE' | 'TIMESTAMP' | 'BOOLEAN' | 'BIGINT';
export type MergeRule = 'key' | 'sum' | 'max' | 'or' | 'latest';

export interface PartialTable {
  /** Column → its type and how a merge treats it, in table order. */
  columns: Record<string, { type: ColumnType; merge: MergeRule }>;
}

const key = (type: ColumnType) => ({ type, merge: 'key' as const });
const sum = { type: 'DOUBLE' as const, merge: 'sum' as const };
const max = (type: ColumnType) => ({ type, merge: 'max' as const });

export const PARTIAL_TABLES = {
  /** Pod usage groups; `pod` is NULL unless the run groups by pod. Rows with an empty or NULL node are not here. */
  pods: {
    columns: {
      day: key('DATE'),
      namespace: key('VARCHAR'),
      node: key('VARCHAR'),
      pod: key('VARCHAR'),
      labels: key('VARCHAR'),
      resource_id: max('VARCHAR'),
      usage_cpu: sum,
      request_cpu: sum,
      limit_cpu: sum,
      effective_cpu: sum,
      usage_mem: sum,
      request_mem: sum,
      limit_mem: sum,
      effective_mem: sum,
      capacity_cores: max('DOUBLE'),
      capacity_bytes: max('DOUBLE'),
    },
  },
  /** Max node capacity seconds per (interval_start, node), over every pod usage row (empty and NULL nodes too). */
  capacity: {
    columns: {
      day: key('DATE'),
      interval: key('TIMESTAMP'),
      node: key('VARCHAR'),
      cpu_core_seconds: max('DOUBLE'),
      mem_byte_seconds: max('DOUBLE'),
    },
  },
  /** Distinct (day, namespace, pod, node, resource_id) of pod usage with a non-empty node, for pods that have volumes. */
  pod_nodes: {
    columns: {
      day: key('DATE'),
      namespace: key('VARCHAR'),
      pod: key('VARCHAR'),
      node: key('VARCHAR'),
      resource_id: key('VARCHAR'),
    },
  },
  /** Storage usage groups by their own columns and normalized volume labels. */
  storage: {
    columns: {
      day: key('DATE'),
      namespace: key('VARCHAR'),
      pod: key('VARCHAR'),
      persistentvolumeclaim: key('VARCHAR'),
      persistentvolume: key('VARCHAR'),
      storageclass: key('VARCHAR'),
      csi_volume_handle: key('VARCHAR'),
      pv_labels: key('VARCHAR'),
      pvc_labels: key('VARCHAR'),
      capacity_bytes: max('DOUBLE'),
      capacity_byte_seconds: sum,
      request_byte_seconds: sum,
      usage_byte_seconds: sum,
    },
  },
  /** The label set of a (day, node): the latest interval wins, then the larger label string. */
  node_labels: {
    columns: {
      day: key('DATE'),
      node: key('VARCHAR'),
      interval: { type: 'TIMESTAMP', merge: 'latest' },
      labels: { type: 'VARCHAR', merge: 'latest' },
    },
  },
  namespace_labels: {
    columns: {
      day: key('DATE'),
      namespace: key('VARCHAR'),
      interval: { type: 'TIMESTAMP', merge: 'latest' },
      labels: { type: 'VARCHAR', merge: 'latest' },
    },
  },
  /** Evidence for a node's role (docs/rules.md §3), per (day, node, resource_id) with a non-empty node. */
  node_role_facts: {
    columns: {
      day: key('DATE'),
      node: key('VARCHAR'),
      resource_id: key('VARCHAR'),
      /** Max of the pod report's non-empty node_role; NULL when none. */
      reported_role: max('VARCHAR'),
      /** Any row in namespace openshift-kube-apiserver. */
      apiserver: { type: 'BOOLEAN', merge: 'or' },
    },
  },
  /** Nodes with a node-labels row whose raw labels hold node_role_kubernetes_io = infra. */
  infra_nodes: {
    columns: {
      day: key('DATE'),
      node: key('VARCHAR'),
    },
  },
  /** Input rows read inside the window, per day. */
  rows_in: {
    columns: {
      day: key('DATE'),
      pod: { type: 'BIGINT', merge: 'sum' },
      storage: { type: 'BIGINT', merge: 'sum' },
      node_labels: { type: 'BIGINT', merge: 'sum' },
      namespace_labels: { type: 'BIGINT', merge: 'sum' },
    },
  },
} as const satisfies Record<string, PartialTable>;

export type PartialTableName = keyof typeof PARTIAL_TABLES;
export const PARTIAL_TABLE_NAMES = Object.keys(PARTIAL_TABLES) as PartialTableName[];

/**
 * The tables finalize reads over the whole window rather than by day (a node's role, docs/rules.md
 * §3): finalizing one day needs every day's rows of these, and only that day's rows of the others.
 */
export const WINDOW_TABLES: readonly PartialTableName[] = ['node_role_facts', 'infra_nodes'];

/**
 * The tables a kernel run writes one row per key (each is one GROUP BY or DISTINCT of its step):
 * a kernel's own output needs no merge of these. The others may hold a key several times (label
 * sets tied at the latest interval; a day's rows in of each report type).
 */
export const KERNEL_KEYED_TABLES: readonly PartialTableName[] = [
  'pods',
  'capacity',
  'pod_nodes',
  'storage',
  'node_role_facts',
  'infra_nodes',
];

/** `CREATE TABLE` statements for an empty partial in `schema` (an identifier the caller validated). */
export function partialTablesDdl(schema: string): string[] {
  return PARTIAL_TABLE_NAMES.map((name) => {
    const columns = Object.entries(PARTIAL_TABLES[name].columns as PartialTable['columns'])
      .map(([column, { type }]) => `"${column}" ${type}`)
      .join(', ');
    return `CREATE TABLE ${schema}.${name} (${columns})`;
  });
}
