import {
  addCapacity,
  addInfraNode,
  addLatestLabels,
  addNodeRoleFact,
  addPodGroup,
  addPodNode,
  addStorageGroup,
  type CapacityCell,
  type InfraNode,
  type LatestLabels,
  type NodeRoleFact,
  type PartialAggregate,
  type PodGroup,
  type PodNode,
  type StorageGroup,
} from '@ocpsum/core';

/**
 * How one field is stored. `num` is Float64 (exact for any JS number, including epoch
 * microseconds); `str` is plain Utf8; `dict` is Dictionary<Utf8, Int32>, used where a chunk
 * repeats few distinct values (days, namespaces, nodes, label JSON); `bool` is Arrow Bool. A
 * trailing `?` marks a nullable field: NULL is kept as an Arrow null, never as 0 or ''.
 */
export type Kind = 'num' | 'num?' | 'str' | 'str?' | 'dict' | 'dict?' | 'bool';

/** The kinds a field of type T may use; tuples stop the conditional from distributing over `| null`. */
type KindFor<T> = [T] extends [boolean]
  ? 'bool'
  : [T] extends [string]
    ? 'str' | 'dict'
    : [T] extends [string | null]
      ? 'str?' | 'dict?'
      : [T] extends [number]
        ? 'num'
        : 'num?';

/** Every field of R, with a kind matching its type: adding a field to core fails to compile here. */
export type Columns<R> = { [K in keyof R]-?: KindFor<R[K]> };

export interface Section<R> {
  /** Name in the header; also the PartialAggregate property. */
  name: SectionName;
  columns: Columns<R>;
  /** Re-adds a decoded record (a fresh object, so owned) through core's add*, which recomputes its map key. */
  add: (into: PartialAggregate, row: R) => void;
}

export type SectionName =
  | 'pods'
  | 'capacity'
  | 'podNodes'
  | 'storage'
  | 'nodeLabels'
  | 'namespaceLabels'
  | 'nodeRoleFacts'
  | 'infraNodes';

// Every string column is a dictionary, by measurement (test/measure.test.ts, 50,000 pod groups +
// 30,000 capacity cells): 6.6 MB vs 18.8 MB all-Utf8, and faster both ways since each distinct
// string is encoded and decoded once. Even pod names repeat (a pod has a group per day); where a
// column is all-unique the dictionary costs only its 4-byte indices (+2% on the whole partial).

const pods: Section<PodGroup> = {
  name: 'pods',
  columns: {
    day: 'dict',
    namespace: 'dict',
    node: 'dict',
    pod: 'dict?',
    labels: 'dict',
    resourceId: 'dict?',
    usageCpu: 'num?',
    requestCpu: 'num?',
    limitCpu: 'num?',
    effectiveCpu: 'num?',
    usageMem: 'num?',
    requestMem: 'num?',
    limitMem: 'num?',
    effectiveMem: 'num?',
    capacityCpuCores: 'num?',
    capacityMemBytes: 'num?',
  },
  add: (p, r) => addPodGroup(p.pods, r, true),
};

const capacity: Section<CapacityCell> = {
  name: 'capacity',
  columns: { day: 'dict', interval: 'num', node: 'dict?', cpuCoreSeconds: 'num?', memByteSeconds: 'num?' },
  add: (p, r) => addCapacity(p.capacity, r, true),
};

const podNodes: Section<PodNode> = {
  name: 'podNodes',
  columns: { day: 'dict', namespace: 'dict', pod: 'dict', node: 'dict', resourceId: 'dict?' },
  add: (p, r) => addPodNode(p.podNodes, r, true),
};

const storage: Section<StorageGroup> = {
  name: 'storage',
  columns: {
    day: 'dict',
    namespace: 'dict?',
    pod: 'dict?',
    persistentvolumeclaim: 'dict?',
    persistentvolume: 'dict?',
    storageclass: 'dict?',
    csiVolumeHandle: 'dict?',
    pvLabels: 'dict',
    pvcLabels: 'dict',
    capacityBytes: 'num?',
    capacityByteSeconds: 'num?',
    requestByteSeconds: 'num?',
    usageByteSeconds: 'num?',
  },
  add: (p, r) => addStorageGroup(p.storage, r, true),
};

const latest: Columns<LatestLabels> = { day: 'dict', name: 'dict', interval: 'num', labels: 'dict' };
const nodeLabels: Section<LatestLabels> = {
  name: 'nodeLabels',
  columns: latest,
  add: (p, r) => addLatestLabels(p.nodeLabels, r, true),
};
const namespaceLabels: Section<LatestLabels> = {
  name: 'namespaceLabels',
  columns: latest,
  add: (p, r) => addLatestLabels(p.namespaceLabels, r, true),
};

const nodeRoleFacts: Section<NodeRoleFact> = {
  name: 'nodeRoleFacts',
  columns: { day: 'dict', node: 'dict', resourceId: 'dict?', reportedRole: 'dict?', apiserver: 'bool' },
  add: (p, r) => addNodeRoleFact(p.nodeRoleFacts, r, true),
};

const infraNodes: Section<InfraNode> = {
  name: 'infraNodes',
  columns: { day: 'dict', node: 'dict' },
  add: (p, r) => addInfraNode(p.infraNodes, r, true),
};

/** Field values seen generically, by column name; the typed Section above guarantees the shapes. */
export type AnyRow = Record<string, string | number | boolean | null>;

/** The sections in their order on the wire. */
export const SECTIONS = [
  pods,
  capacity,
  podNodes,
  storage,
  nodeLabels,
  namespaceLabels,
  nodeRoleFacts,
  infraNodes,
] as unknown as Section<AnyRow>[];

/** Framing constants; the layout is described in encode.ts. */
export const MAGIC = 'OCPP';
// 2: the node-role sections (nodeRoleFacts, infraNodes) were added.
export const VERSION = 2;
