import type { ReportType } from '@ocpsum/core';
import { daysInDatasetMonth, monthLabel, type DatasetId } from '@ocpsum/input';
import {
  formatPath,
  ManifestError,
  parseDay,
  type GeneratorSpec,
  type Manifest,
  type NodeSpec,
  type PodSpec,
  type UsageSpec,
  type VolumeSpec,
} from './manifest-schema.js';
import type { Row } from './writer.js';

/**
 * A validated manifest turned into what each hour repeats, following nise's static OCP rules:
 * limits default to and are capped at the node's capacity, requests are capped at the limit,
 * usage at the limit (pods) or capacity (claims). Where nise would draw a random number ocpsum
 * keeps the output reproducible instead: usage not given is the request (pods) or the claim's
 * capacity, pod_seconds not given is the whole hour, and a resource_id not given is the node name
 * (nise prefixes `i-` to it either way).
 */

const GIB = 2 ** 30;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface PodModel {
  spec: PodSpec;
  namespace: string;
  node: NodeSpec;
  resourceId: string;
}

/** One storage row per hour: a volume claim, or a volume without claims (nise's claimless PV). */
interface StorageModel {
  volume: VolumeSpec;
  namespace: string | null;
  pod: string | null;
  claim: string | null;
  claimLabels: string | null;
  capacityGig: number;
  usage: UsageSpec | undefined;
}

export interface Cluster {
  /** Epoch ms of the first and the last day (inclusive) with rows. */
  firstDay: number;
  lastDay: number;
  nodes: NodeSpec[];
  namespaces: { name: string; labels: string | null }[];
  pods: PodModel[];
  storage: StorageModel[];
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The operator's interval_end string: the last second of the hour. */
const intervalEnd = (start: number): string =>
  `${new Date(start + HOUR_MS - 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;

/** A date's own value, else full_period, else undefined. */
function usageOn(usage: UsageSpec | undefined, day: number): number | undefined {
  if (!usage) return undefined;
  for (const [key, value] of Object.entries(usage)) if (key !== 'full_period' && parseDay(key) === day) return value;
  return usage.full_period;
}

export function buildClusters(manifest: Manifest, id: DatasetId, manifestName: string): Cluster[] {
  const fail = (path: PropertyKey[], message: string): never => {
    throw new ManifestError(manifestName, [`${formatPath(path)}: ${message}`]);
  };
  return manifest.generators.map(({ OCPGenerator: spec }, g) =>
    buildCluster(spec, id, ['generators', g, 'OCPGenerator'], fail),
  );
}

function buildCluster(
  spec: GeneratorSpec,
  id: DatasetId,
  at: PropertyKey[],
  fail: (path: PropertyKey[], message: string) => never,
): Cluster {
  const monthFirst = Date.UTC(id.year, id.month - 1, 1);
  const monthLast = monthFirst + (daysInDatasetMonth(id) - 1) * DAY_MS;
  // Without dates the manifest fills the dataset's month; end_date is inclusive, a number counts days.
  const firstDay = spec.start_date === undefined ? monthFirst : parseDay(spec.start_date)!;
  const lastDay =
    spec.end_date === undefined
      ? monthLast
      : typeof spec.end_date === 'number'
        ? firstDay + (spec.end_date - 1) * DAY_MS
        : parseDay(spec.end_date)!;
  if (lastDay < firstDay) fail([...at, 'end_date'], `end date ${isoDay(lastDay)} is before start date ${isoDay(firstDay)}`);
  if (firstDay < monthFirst || lastDay > monthLast) {
    fail(at, `manifest spans ${isoDay(firstDay)}..${isoDay(lastDay)} but the dataset is ${monthLabel(id)}`);
  }

  const cluster: Cluster = { firstDay, lastDay, nodes: spec.nodes, namespaces: [], pods: [], storage: [] };
  const namespaceIndex = new Map<string, { name: string; labels: string | null }>();
  const podNames = new Set<string>();
  spec.nodes.forEach((node, n) => {
    const resourceId = `i-${node.resource_id ?? node.node_name}`;
    for (const [name, namespace] of Object.entries(node.namespaces ?? {})) {
      const nsAt = [...at, 'nodes', n, 'namespaces', name];
      // A namespace may span nodes; it has one label set, given once or identically.
      const labels = namespace?.namespace_labels ?? null;
      const known = namespaceIndex.get(name);
      if (!known) {
        namespaceIndex.set(name, { name, labels });
        cluster.namespaces.push(namespaceIndex.get(name)!);
      } else if (labels !== null) {
        if (known.labels !== null && known.labels !== labels) {
          fail([...nsAt, 'namespace_labels'], `namespace ${name} already has labels ${JSON.stringify(known.labels)}`);
        }
        known.labels = labels;
      }
      namespace?.pods?.forEach((pod, p) => {
        const key = `${name}/${pod.pod_name}`;
        if (podNames.has(key)) fail([...nsAt, 'pods', p, 'pod_name'], `pod ${pod.pod_name} appears twice in ${name}`);
        podNames.add(key);
        cluster.pods.push({ spec: pod, namespace: name, node, resourceId });
      });
      namespace?.volumes?.forEach((volume, v) => {
        const claims = volume.volume_claims ?? [];
        const total = claims.reduce((sum, c) => sum + (c.capacity_gig ?? volume.volume_request_gig), 0);
        if (total > volume.volume_request_gig) {
          fail(
            [...nsAt, 'volumes', v, 'volume_claims'],
            `claims total ${total} GiB, more than volume_request_gig ${volume.volume_request_gig}`,
          );
        }
        for (const c of claims) {
          cluster.storage.push({
            volume,
            namespace: name,
            pod: c.pod_name,
            claim: c.volume_claim_name ?? c.claim_name!,
            claimLabels: c.labels ?? null,
            capacityGig: c.capacity_gig ?? volume.volume_request_gig,
            usage: c.volume_claim_usage_gig,
          });
        }
        if (claims.length === 0) {
          cluster.storage.push({
            volume,
            namespace: null,
            pod: null,
            claim: null,
            claimLabels: null,
            capacityGig: volume.volume_request_gig,
            usage: undefined,
          });
        }
      });
    }
  });
  return cluster;
}

function podRow(pod: PodModel, start: number, day: number): Row {
  const { spec, node } = pod;
  const cpuLimit = Math.min(spec.cpu_limit ?? node.cpu_cores, node.cpu_cores);
  const cpuRequest = Math.min(spec.cpu_request, cpuLimit);
  const cpuUsage = Math.min(usageOn(spec.cpu_usage, day) ?? cpuRequest, cpuLimit);
  const memLimit = Math.min(spec.mem_limit_gig ?? node.memory_gig, node.memory_gig);
  const memRequest = Math.min(spec.mem_request_gig, memLimit);
  const memUsage = Math.min(usageOn(spec.mem_usage_gig, day) ?? memRequest, memLimit);
  const seconds = spec.pod_seconds ?? 3600;
  return {
    interval_start: start,
    interval_end: intervalEnd(start),
    namespace: pod.namespace,
    node: node.node_name,
    pod: spec.pod_name,
    resource_id: pod.resourceId,
    pod_labels: spec.labels ?? null,
    pod_usage_cpu_core_seconds: cpuUsage * seconds,
    pod_request_cpu_core_seconds: cpuRequest * seconds,
    pod_limit_cpu_core_seconds: cpuLimit * seconds,
    pod_usage_memory_byte_seconds: memUsage * GIB * seconds,
    pod_request_memory_byte_seconds: memRequest * GIB * seconds,
    pod_limit_memory_byte_seconds: memLimit * GIB * seconds,
    node_capacity_cpu_cores: node.cpu_cores,
    node_capacity_cpu_core_seconds: node.cpu_cores * 3600,
    node_capacity_memory_bytes: node.memory_gig * GIB,
    node_capacity_memory_byte_seconds: node.memory_gig * GIB * 3600,
  };
}

function storageRow(s: StorageModel, start: number, day: number): Row {
  // nise leaves request and usage empty for a volume without claims.
  const claimed = s.claim !== null;
  const usageGig = Math.min(usageOn(s.usage, day) ?? s.capacityGig, s.capacityGig);
  return {
    interval_start: start,
    interval_end: intervalEnd(start),
    namespace: s.namespace,
    pod: s.pod,
    persistentvolumeclaim: s.claim,
    persistentvolume: s.volume.volume_name,
    storageclass: s.volume.storage_class ?? null,
    persistentvolumeclaim_capacity_bytes: s.capacityGig * GIB,
    persistentvolumeclaim_capacity_byte_seconds: s.capacityGig * GIB * 3600,
    volume_request_storage_byte_seconds: claimed ? s.volume.volume_request_gig * GIB * 3600 : null,
    persistentvolumeclaim_usage_byte_seconds: claimed ? usageGig * GIB * 3600 : null,
    persistentvolume_labels: s.volume.labels ?? null,
    persistentvolumeclaim_labels: s.claimLabels,
    csi_volume_handle: s.volume.csi_volume_handle ?? null,
  };
}

/** The rows of one day (epoch ms of its midnight), per report type, hour by hour in manifest order. */
export function dayRows(cluster: Cluster, day: number): Record<ReportType, Row[]> {
  const rows: Record<ReportType, Row[]> = {
    openshift_pod_usage_line_items: [],
    openshift_storage_usage_line_items: [],
    openshift_node_labels_line_items: [],
    openshift_namespace_labels_line_items: [],
  };
  if (day < cluster.firstDay || day > cluster.lastDay) return rows;
  for (let hour = 0; hour < 24; hour++) {
    const start = day + hour * HOUR_MS;
    const interval = { interval_start: start, interval_end: intervalEnd(start) };
    for (const pod of cluster.pods) rows.openshift_pod_usage_line_items.push(podRow(pod, start, day));
    for (const s of cluster.storage) rows.openshift_storage_usage_line_items.push(storageRow(s, start, day));
    for (const node of cluster.nodes) {
      rows.openshift_node_labels_line_items.push({ ...interval, node: node.node_name, node_labels: node.node_labels ?? null });
    }
    for (const ns of cluster.namespaces) {
      rows.openshift_namespace_labels_line_items.push({ ...interval, namespace: ns.name, namespace_labels: ns.labels });
    }
  }
  return rows;
}
