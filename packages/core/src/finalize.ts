import type {
  LatestLabels,
  NodeRole,
  Num,
  PartialAggregate,
  PodGroup,
  RunSpec,
  SummaryCounts,
  SummaryRow,
} from './interfaces.js';
import { mergeLabelJson } from './labels.js';
import { CostCategories } from './like.js';
import { addN, maxN, subN } from './nums.js';
import { nodeRoleResolver } from './node-roles.js';
import { addPodGroup, groupKey } from './partial.js';
import { coreHours, daysInMonth, gigabyteHours, gigabyteMonths, gigabytes } from './units.js';
import { compareRows } from './columns.js';

export const INFRASTRUCTURE_USAGE_COST = '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';

const UNALLOCATED_NAMESPACE: Record<NodeRole, string> = {
  master: 'Platform unallocated',
  infra: 'Platform unallocated',
  worker: 'Worker unallocated',
};

interface Capacity {
  cpu: Num;
  mem: Num;
}

/** Turns a merged partial into koku's daily summary rows: pod, storage and unallocated. */
export function finalize(partial: PartialAggregate, spec: RunSpec): { rows: SummaryRow[]; counts: SummaryCounts } {
  const categories = new CostCategories(spec.reference.costCategories);
  const labelsOf = latestLabelLookup(partial.nodeLabels, partial.namespaceLabels);
  const base = {
    report_period_id: spec.reportPeriodId,
    cluster_id: spec.clusterId,
    cluster_alias: spec.clusterAlias,
    source_uuid: spec.source,
  };

  const podRows = buildPodRows(partial, labelsOf, categories, base);
  const storageRows = buildStorageRows(partial, labelsOf, categories, base);
  const unallocatedRows = buildUnallocatedRows(podRows, nodeRoleResolver(partial, spec.reference), categories, base);
  const rows = [...podRows, ...storageRows, ...unallocatedRows].sort(compareRows);
  return { rows, counts: { pod: podRows.length, storage: storageRows.length, unallocated: unallocatedRows.length } };
}

type Base = Pick<SummaryRow, 'report_period_id' | 'cluster_id' | 'cluster_alias' | 'source_uuid'>;
type LabelsOf = (kind: 'node' | 'namespace', day: string, name: string | null) => string | null;

function latestLabelLookup(nodes: Map<string, LatestLabels>, namespaces: Map<string, LatestLabels>): LabelsOf {
  return (kind, day, name) => {
    if (name === null) return null;
    return (kind === 'node' ? nodes : namespaces).get(groupKey(day, name))?.labels ?? null;
  };
}

/** Node capacity per (day, node): per interval the max, summed over the day; cluster = sum over nodes. */
function capacities(partial: PartialAggregate): { node: Map<string, Capacity>; cluster: Map<string, Capacity> } {
  const node = new Map<string, Capacity>();
  const cluster = new Map<string, Capacity>();
  for (const cell of partial.capacity.values()) {
    for (const [map, key] of [
      [node, groupKey(cell.day, cell.node)],
      [cluster, cell.day],
    ] as const) {
      const have = map.get(key) ?? { cpu: null, mem: null };
      have.cpu = addN(have.cpu, cell.cpuCoreSeconds);
      have.mem = addN(have.mem, cell.memByteSeconds);
      map.set(key, have);
    }
  }
  return { node, cluster };
}

function buildPodRows(
  partial: PartialAggregate,
  labelsOf: LabelsOf,
  categories: CostCategories,
  base: Base,
): SummaryRow[] {
  // Node and namespace labels are only known now, so chunk groups are regrouped by merged labels.
  const merged = new Map<string, PodGroup>();
  // Merged labels per (node labels, namespace labels, pod labels), as nested maps: the label
  // strings are few and shared, so looking them up beats building a long key per group.
  const mergeCache = new Map<string | null, Map<string | null, Map<string, string>>>();
  for (const g of partial.pods.values()) {
    const nodeLabels = labelsOf('node', g.day, g.node);
    const namespaceLabels = labelsOf('namespace', g.day, g.namespace);
    let byNamespace = mergeCache.get(nodeLabels);
    if (!byNamespace) mergeCache.set(nodeLabels, (byNamespace = new Map()));
    let byPod = byNamespace.get(namespaceLabels);
    if (!byPod) byNamespace.set(namespaceLabels, (byPod = new Map()));
    let labels = byPod.get(g.labels);
    if (labels === undefined) {
      labels = mergeLabelJson(nodeLabels, namespaceLabels, g.labels);
      byPod.set(g.labels, labels);
    }
    addPodGroup(merged, { ...g, labels }, true);
  }

  const capacity = capacities(partial);
  const rows: SummaryRow[] = [];
  for (const g of merged.values()) {
    const nodeCapacity = capacity.node.get(groupKey(g.day, g.node));
    const clusterCapacity = capacity.cluster.get(g.day);
    rows.push(
      summaryRow(base, {
        data_source: 'Pod',
        usage_start: g.day,
        namespace: g.namespace,
        node: g.node,
        resource_id: g.resourceId,
        pod: g.pod,
        pod_labels: g.labels,
        pod_usage_cpu_core_hours: coreHours(g.usageCpu),
        pod_request_cpu_core_hours: coreHours(g.requestCpu),
        pod_effective_usage_cpu_core_hours: coreHours(g.effectiveCpu),
        pod_limit_cpu_core_hours: coreHours(g.limitCpu),
        pod_usage_memory_gigabyte_hours: gigabyteHours(g.usageMem),
        pod_request_memory_gigabyte_hours: gigabyteHours(g.requestMem),
        pod_effective_usage_memory_gigabyte_hours: gigabyteHours(g.effectiveMem),
        pod_limit_memory_gigabyte_hours: gigabyteHours(g.limitMem),
        node_capacity_cpu_cores: g.capacityCpuCores,
        node_capacity_cpu_core_hours: coreHours(nodeCapacity?.cpu ?? null),
        node_capacity_memory_gigabytes: gigabytes(g.capacityMemBytes),
        node_capacity_memory_gigabyte_hours: gigabyteHours(nodeCapacity?.mem ?? null),
        cluster_capacity_cpu_core_hours: coreHours(clusterCapacity?.cpu ?? null),
        cluster_capacity_memory_gigabyte_hours: gigabyteHours(clusterCapacity?.mem ?? null),
        infrastructure_usage_cost: INFRASTRUCTURE_USAGE_COST,
        cost_category_id: categories.idFor(g.namespace),
        all_labels: g.labels,
      }),
    );
  }
  return rows;
}

interface StorageAccumulator {
  row: SummaryRow;
  capacityBytes: Num;
  capacityByteSeconds: Num;
  requestByteSeconds: Num;
  usageByteSeconds: Num;
}

function buildStorageRows(
  partial: PartialAggregate,
  labelsOf: LabelsOf,
  categories: CostCategories,
  base: Base,
): SummaryRow[] {
  const podNodes = new Map<string, { node: string; resourceId: string | null }[]>();
  for (const n of partial.podNodes.values()) {
    const key = groupKey(n.day, n.namespace, n.pod);
    const list = podNodes.get(key) ?? [];
    list.push({ node: n.node, resourceId: n.resourceId });
    podNodes.set(key, list);
  }

  const groups = new Map<string, StorageAccumulator>();
  const pvNodes = new Map<string, Set<string>>();
  for (const s of partial.storage.values()) {
    const joinable = !!s.namespace && !!s.pod && !!s.persistentvolumeclaim;
    const matches = (joinable && podNodes.get(groupKey(s.day, s.namespace, s.pod))) || [
      { node: null, resourceId: null },
    ];
    for (const { node, resourceId } of matches) {
      if (node !== null) {
        const pvKey = groupKey(s.day, s.persistentvolume);
        const nodes = pvNodes.get(pvKey) ?? new Set<string>();
        nodes.add(node);
        pvNodes.set(pvKey, nodes);
      }
      const volumeLabels = mergeLabelJson(
        labelsOf('node', s.day, node),
        labelsOf('namespace', s.day, s.namespace),
        s.pvLabels,
        s.pvcLabels,
      );
      const key = groupKey(
        s.namespace,
        node,
        resourceId,
        s.persistentvolumeclaim,
        s.persistentvolume,
        s.storageclass,
        s.csiVolumeHandle,
        s.day,
        volumeLabels,
      );
      let acc = groups.get(key);
      if (!acc) {
        acc = {
          row: summaryRow(base, {
            data_source: 'Storage',
            usage_start: s.day,
            namespace: s.namespace,
            node,
            resource_id: resourceId,
            persistentvolumeclaim: s.persistentvolumeclaim,
            persistentvolume: s.persistentvolume,
            storageclass: s.storageclass,
            csi_volume_handle: s.csiVolumeHandle,
            volume_labels: volumeLabels,
            infrastructure_usage_cost: INFRASTRUCTURE_USAGE_COST,
            cost_category_id: categories.idFor(s.namespace),
            all_labels: volumeLabels,
          }),
          capacityBytes: null,
          capacityByteSeconds: null,
          requestByteSeconds: null,
          usageByteSeconds: null,
        };
        groups.set(key, acc);
      }
      acc.capacityBytes = maxN(acc.capacityBytes, s.capacityBytes);
      acc.capacityByteSeconds = addN(acc.capacityByteSeconds, s.capacityByteSeconds);
      acc.requestByteSeconds = addN(acc.requestByteSeconds, s.requestByteSeconds);
      acc.usageByteSeconds = addN(acc.usageByteSeconds, s.usageByteSeconds);
    }
  }

  const rows: SummaryRow[] = [];
  for (const acc of groups.values()) {
    const { row } = acc;
    const days = daysInMonth(row.usage_start);
    const nodeCount = pvNodes.get(groupKey(row.usage_start, row.persistentvolume))?.size ?? null;
    const perNode = (byteSeconds: Num): Num =>
      nodeCount === null || byteSeconds === null ? null : byteSeconds / nodeCount;
    row.persistentvolumeclaim_capacity_gigabyte = gigabytes(acc.capacityBytes);
    row.persistentvolumeclaim_capacity_gigabyte_months = gigabyteMonths(acc.capacityByteSeconds, days);
    row.volume_request_storage_gigabyte_months = gigabyteMonths(perNode(acc.requestByteSeconds), days);
    row.persistentvolumeclaim_usage_gigabyte_months = gigabyteMonths(perNode(acc.usageByteSeconds), days);
    rows.push(row);
  }
  return rows;
}

function buildUnallocatedRows(
  podRows: SummaryRow[],
  roleOf: ReturnType<typeof nodeRoleResolver>,
  categories: CostCategories,
  base: Base,
): SummaryRow[] {
  const perNodeDay = new Map<string, { role: NodeRole; rows: SummaryRow[] }>();
  for (const row of podRows) {
    // Pod rows always have a non-empty node.
    const role = roleOf(row.node!, row.resource_id);
    if (role === undefined) continue;
    const key = groupKey(row.usage_start, row.node);
    const have = perNodeDay.get(key);
    if (have) {
      have.role = maxN(have.role, role)!;
      have.rows.push(row);
    } else {
      perNodeDay.set(key, { role, rows: [row] });
    }
  }

  const rows: SummaryRow[] = [];
  for (const { role, rows: members } of perNodeDay.values()) {
    const first = members[0];
    const namespace = UNALLOCATED_NAMESPACE[role];
    const sum = (column: keyof SummaryRow) => members.reduce<Num>((total, r) => addN(total, r[column] as Num), null);
    const max = <K extends keyof SummaryRow>(column: K) =>
      members.reduce<SummaryRow[K] | null>((best, r) => maxN(best as never, r[column] as never), null);
    const cpuHours = max('node_capacity_cpu_core_hours') as Num;
    const memHours = max('node_capacity_memory_gigabyte_hours') as Num;
    rows.push(
      summaryRow(base, {
        data_source: 'Pod',
        usage_start: first.usage_start,
        namespace,
        node: first.node,
        resource_id: max('resource_id') as string | null,
        pod_usage_cpu_core_hours: subN(cpuHours, sum('pod_usage_cpu_core_hours')),
        pod_request_cpu_core_hours: subN(cpuHours, sum('pod_request_cpu_core_hours')),
        pod_effective_usage_cpu_core_hours: subN(cpuHours, sum('pod_effective_usage_cpu_core_hours')),
        pod_usage_memory_gigabyte_hours: subN(memHours, sum('pod_usage_memory_gigabyte_hours')),
        pod_request_memory_gigabyte_hours: subN(memHours, sum('pod_request_memory_gigabyte_hours')),
        pod_effective_usage_memory_gigabyte_hours: subN(memHours, sum('pod_effective_usage_memory_gigabyte_hours')),
        node_capacity_cpu_cores: max('node_capacity_cpu_cores') as Num,
        node_capacity_cpu_core_hours: cpuHours,
        node_capacity_memory_gigabytes: max('node_capacity_memory_gigabytes') as Num,
        node_capacity_memory_gigabyte_hours: memHours,
        cluster_capacity_cpu_core_hours: max('cluster_capacity_cpu_core_hours') as Num,
        cluster_capacity_memory_gigabyte_hours: max('cluster_capacity_memory_gigabyte_hours') as Num,
        cost_category_id: categories.idFor(namespace),
        all_labels: '{}',
      }),
    );
  }
  return rows;
}

type RowFields = Pick<SummaryRow, 'data_source' | 'usage_start' | 'all_labels'> & Partial<SummaryRow>;

/**
 * Builds a row with every column in one fixed order, NULL where a row kind has no value.
 * One object shape for all rows keeps building and sorting tens of thousands of them fast
 * (spreading `base` into each call's literal made V8 build every row slowly).
 */
function summaryRow(base: Base, f: RowFields): SummaryRow {
  return {
    report_period_id: base.report_period_id,
    cluster_id: base.cluster_id,
    cluster_alias: base.cluster_alias,
    data_source: f.data_source,
    usage_start: f.usage_start,
    usage_end: f.usage_start,
    namespace: f.namespace ?? null,
    node: f.node ?? null,
    resource_id: f.resource_id ?? null,
    pod: f.pod ?? null,
    pod_labels: f.pod_labels ?? null,
    pod_usage_cpu_core_hours: f.pod_usage_cpu_core_hours ?? null,
    pod_request_cpu_core_hours: f.pod_request_cpu_core_hours ?? null,
    pod_effective_usage_cpu_core_hours: f.pod_effective_usage_cpu_core_hours ?? null,
    pod_limit_cpu_core_hours: f.pod_limit_cpu_core_hours ?? null,
    pod_usage_memory_gigabyte_hours: f.pod_usage_memory_gigabyte_hours ?? null,
    pod_request_memory_gigabyte_hours: f.pod_request_memory_gigabyte_hours ?? null,
    pod_effective_usage_memory_gigabyte_hours: f.pod_effective_usage_memory_gigabyte_hours ?? null,
    pod_limit_memory_gigabyte_hours: f.pod_limit_memory_gigabyte_hours ?? null,
    node_capacity_cpu_cores: f.node_capacity_cpu_cores ?? null,
    node_capacity_cpu_core_hours: f.node_capacity_cpu_core_hours ?? null,
    node_capacity_memory_gigabytes: f.node_capacity_memory_gigabytes ?? null,
    node_capacity_memory_gigabyte_hours: f.node_capacity_memory_gigabyte_hours ?? null,
    cluster_capacity_cpu_core_hours: f.cluster_capacity_cpu_core_hours ?? null,
    cluster_capacity_memory_gigabyte_hours: f.cluster_capacity_memory_gigabyte_hours ?? null,
    persistentvolumeclaim: f.persistentvolumeclaim ?? null,
    persistentvolume: f.persistentvolume ?? null,
    storageclass: f.storageclass ?? null,
    csi_volume_handle: f.csi_volume_handle ?? null,
    volume_labels: f.volume_labels ?? null,
    persistentvolumeclaim_capacity_gigabyte: f.persistentvolumeclaim_capacity_gigabyte ?? null,
    persistentvolumeclaim_capacity_gigabyte_months: f.persistentvolumeclaim_capacity_gigabyte_months ?? null,
    volume_request_storage_gigabyte_months: f.volume_request_storage_gigabyte_months ?? null,
    persistentvolumeclaim_usage_gigabyte_months: f.persistentvolumeclaim_usage_gigabyte_months ?? null,
    source_uuid: base.source_uuid,
    infrastructure_usage_cost: f.infrastructure_usage_cost ?? null,
    cost_category_id: f.cost_category_id ?? null,
    all_labels: f.all_labels,
  };
}
