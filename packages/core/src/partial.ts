import type {
  CapacityCell,
  InfraNode,
  LatestLabels,
  NodeRoleFact,
  PartialAggregate,
  PodGroup,
  PodNode,
  RowCounts,
  StorageGroup,
} from './interfaces.js';
import { addN, maxN } from './nums.js';

export function emptyPartial(): PartialAggregate {
  return {
    pods: new Map(),
    capacity: new Map(),
    podNodes: new Map(),
    storage: new Map(),
    nodeLabels: new Map(),
    namespaceLabels: new Map(),
    nodeRoleFacts: new Map(),
    infraNodes: new Map(),
    rowsIn: { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 },
  };
}

/** A map key of group columns; NULL and '' stay distinct. */
export function groupKey(...parts: (string | number | null)[]): string {
  // A plain loop: building millions of keys through map/join was a visible share of a merge.
  let key = '';
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) key += '\u0001';
    const p = parts[i];
    key += p === null ? '\u0000' : String(p);
  }
  return key;
}

export const podKey = (g: PodGroup) => groupKey(g.day, g.namespace, g.node, g.pod, g.labels);
export const capacityKey = (c: CapacityCell) => groupKey(c.interval, c.node);
export const podNodeKey = (n: PodNode) => groupKey(n.day, n.namespace, n.pod, n.node, n.resourceId);
export const storageKey = (s: StorageGroup) =>
  groupKey(
    s.day,
    s.namespace,
    s.pod,
    s.persistentvolumeclaim,
    s.persistentvolume,
    s.storageclass,
    s.csiVolumeHandle,
    s.pvLabels,
    s.pvcLabels,
  );
export const latestKey = (l: LatestLabels) => groupKey(l.day, l.name);
export const nodeRoleFactKey = (f: NodeRoleFact) => groupKey(f.day, f.node, f.resourceId);
export const infraNodeKey = (n: InfraNode) => groupKey(n.day, n.node);

/*
 * The add* functions merge one record into a map. A record not yet there is stored as a copy,
 * unless `owned` says the caller made it for this call alone (decoded or freshly built): then it
 * is stored as is, which saves a copy per group when merging hundreds of thousands of them.
 */

export function addPodGroup(into: Map<string, PodGroup>, g: PodGroup, owned = false): void {
  const key = podKey(g);
  const have = into.get(key);
  if (!have) {
    into.set(key, owned ? g : { ...g });
    return;
  }
  have.resourceId = maxN(have.resourceId, g.resourceId);
  have.usageCpu = addN(have.usageCpu, g.usageCpu);
  have.requestCpu = addN(have.requestCpu, g.requestCpu);
  have.limitCpu = addN(have.limitCpu, g.limitCpu);
  have.effectiveCpu = addN(have.effectiveCpu, g.effectiveCpu);
  have.usageMem = addN(have.usageMem, g.usageMem);
  have.requestMem = addN(have.requestMem, g.requestMem);
  have.limitMem = addN(have.limitMem, g.limitMem);
  have.effectiveMem = addN(have.effectiveMem, g.effectiveMem);
  have.capacityCpuCores = maxN(have.capacityCpuCores, g.capacityCpuCores);
  have.capacityMemBytes = maxN(have.capacityMemBytes, g.capacityMemBytes);
}

export function addCapacity(into: Map<string, CapacityCell>, c: CapacityCell, owned = false): void {
  const key = capacityKey(c);
  const have = into.get(key);
  if (!have) {
    into.set(key, owned ? c : { ...c });
    return;
  }
  have.cpuCoreSeconds = maxN(have.cpuCoreSeconds, c.cpuCoreSeconds);
  have.memByteSeconds = maxN(have.memByteSeconds, c.memByteSeconds);
}

export function addPodNode(into: Map<string, PodNode>, n: PodNode, owned = false): void {
  const key = podNodeKey(n);
  if (!into.has(key)) into.set(key, owned ? n : { ...n });
}

export function addStorageGroup(into: Map<string, StorageGroup>, s: StorageGroup, owned = false): void {
  const key = storageKey(s);
  const have = into.get(key);
  if (!have) {
    into.set(key, owned ? s : { ...s });
    return;
  }
  have.capacityBytes = maxN(have.capacityBytes, s.capacityBytes);
  have.capacityByteSeconds = addN(have.capacityByteSeconds, s.capacityByteSeconds);
  have.requestByteSeconds = addN(have.requestByteSeconds, s.requestByteSeconds);
  have.usageByteSeconds = addN(have.usageByteSeconds, s.usageByteSeconds);
}

/** Latest interval wins; on a tie the larger label string, so the result never depends on order. */
export function addLatestLabels(into: Map<string, LatestLabels>, l: LatestLabels, owned = false): void {
  const key = latestKey(l);
  const have = into.get(key);
  if (!have || l.interval > have.interval || (l.interval === have.interval && l.labels > have.labels)) {
    into.set(key, owned ? l : { ...l });
  }
}

export function addNodeRoleFact(into: Map<string, NodeRoleFact>, f: NodeRoleFact, owned = false): void {
  const key = nodeRoleFactKey(f);
  const have = into.get(key);
  if (!have) {
    into.set(key, owned ? f : { ...f });
    return;
  }
  have.reportedRole = maxN(have.reportedRole, f.reportedRole);
  have.apiserver = have.apiserver || f.apiserver;
}

export function addInfraNode(into: Map<string, InfraNode>, n: InfraNode, owned = false): void {
  const key = infraNodeKey(n);
  if (!into.has(key)) into.set(key, owned ? n : { ...n });
}

/** Merges `from` into `into`. Associative and commutative: partials may arrive in any order. */
export function mergeInto(into: PartialAggregate, from: PartialAggregate): PartialAggregate {
  for (const g of from.pods.values()) addPodGroup(into.pods, g);
  for (const c of from.capacity.values()) addCapacity(into.capacity, c);
  for (const n of from.podNodes.values()) addPodNode(into.podNodes, n);
  for (const s of from.storage.values()) addStorageGroup(into.storage, s);
  for (const l of from.nodeLabels.values()) addLatestLabels(into.nodeLabels, l);
  for (const l of from.namespaceLabels.values()) addLatestLabels(into.namespaceLabels, l);
  for (const f of from.nodeRoleFacts.values()) addNodeRoleFact(into.nodeRoleFacts, f);
  for (const n of from.infraNodes.values()) addInfraNode(into.infraNodes, n);
  addRowCounts(into.rowsIn, from.rowsIn);
  return into;
}

/** Adds one set of input row counts to another. */
export function addRowCounts(into: RowCounts, from: RowCounts): void {
  into.pod += from.pod;
  into.storage += from.storage;
  into.nodeLabels += from.nodeLabels;
  into.namespaceLabels += from.namespaceLabels;
}

export function mergePartials(partials: Iterable<PartialAggregate>): PartialAggregate {
  const merged = emptyPartial();
  for (const p of partials) mergeInto(merged, p);
  return merged;
}
