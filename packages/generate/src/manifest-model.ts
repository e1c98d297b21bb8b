import { ALWAYS_ENABLED_KEY, parseLabels, type ReportType } from '@ocpsum/core';
import { monthLabel, type DatasetId } from '@ocpsum/input';
import {
  formatPath,
  ManifestError,
  parseDay,
  parseInstant,
  type GeneratorSpec,
  type Manifest,
  type NodeSpec,
  type PodSpec,
  type UsageSpec,
  type VirtualMachineSpec,
} from './manifest-schema.js';
import type { Row } from './writer.js';

/**
 * A validated manifest turned into what each hour repeats, following nise's static OCP rules:
 * limits default to and are capped at the node's capacity, requests are capped at the limit,
 * usage at the limit (pods) or capacity (claims); a usage map's first key that applies to the day
 * wins; pod_seconds scales usage, request and limit of every hourly row. Where nise would draw a
 * random number ocpsum keeps the output reproducible instead: usage not given is the request
 * (pods) or the claim's capacity, pod_seconds not given is the whole hour, a resource_id not given
 * is the node name (nise prefixes `i-` to it either way), a VM disk without capacity_gig is 40 GiB
 * (nise draws 30–50).
 */

const GIB = 2 ** 30;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** What nise asks for a volume that does not say: its VM disks' volumes among them. */
const DEFAULT_VOLUME_GIG = 100;
/** The middle of the 30–50 GiB nise draws for a VM disk without capacity_gig. */
const DEFAULT_VM_DISK_GIG = 40;

type Path = PropertyKey[];
type Fail = (path: Path, message: string) => never;

/** Per-second amounts of a pod; an hourly row is these times its seconds. */
interface PodModel {
  name: string;
  namespace: string;
  node: NodeSpec;
  resourceId: string;
  labels: string | null;
  cpuLimit: number;
  cpuRequest: number;
  cpuUsage: UsageSpec | undefined;
  memLimitGig: number;
  memRequestGig: number;
  memUsageGig: UsageSpec | undefined;
  seconds: number;
}

/** One storage row per hour: a volume claim, or a volume without claims (nise's claimless PV). */
interface StorageModel {
  volumeName: string;
  storageClass: string | null;
  csiVolumeHandle: string | null;
  volumeLabels: string | null;
  requestGig: number;
  namespace: string | null;
  pod: string | null;
  claim: string | null;
  claimLabels: string | null;
  capacityGig: number;
  usage: UsageSpec | undefined;
}

export interface Cluster {
  /** Epoch ms of the first hour written and of the end (exclusive), within the dataset month. */
  start: number;
  end: number;
  nodes: NodeSpec[];
  namespaces: { name: string; labels: string | null }[];
  pods: PodModel[];
  storage: StorageModel[];
}

export interface BuildOptions {
  id: DatasetId;
  manifestName: string;
  /** Epoch ms that `today` and `last_month` are read against. */
  now: number;
}

export interface Built {
  clusters: Cluster[];
  /** Things read but not written, or written as nise does though surprising; one line each. */
  warnings: string[];
}

/** `2025-10-05`, or `2025-10-05 06:00` off midnight. */
function when(ms: number): string {
  const text = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? text.slice(0, 10) : `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

/** The operator's interval_end string: the last second of the hour. */
const intervalEnd = (start: number): string =>
  `${new Date(start + HOUR_MS - 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;

/** nise's rule: the first key, in file order, that is full_period or this day's date. */
function usageOn(usage: UsageSpec | undefined, day: number): number | undefined {
  if (!usage) return undefined;
  for (const [key, value] of Object.entries(usage)) if (key === 'full_period' || parseDay(key) === day) return value;
  return undefined;
}

/** A few names and how many more, for one warning line. */
function some(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

export function buildClusters(manifest: Manifest, options: BuildOptions): Built {
  const { id, manifestName } = options;
  const fail: Fail = (path, message) => {
    throw new ManifestError(manifestName, [`${formatPath(path)}: ${message}`]);
  };
  const warnings: string[] = [];
  const outside: string[] = [];
  const gpuPods: string[] = [];
  let gpuEntries = 0;
  const longHours: string[] = [];
  const clusters: Cluster[] = [];
  manifest.generators.forEach(({ OCPGenerator: spec }, g) => {
    const at: Path = ['generators', g, 'OCPGenerator'];
    const window = hoursOf(spec, options, at, fail);
    // Read every generator, so a bad one fails even when it lies outside the month.
    const cluster = buildCluster(spec, window, at, fail);
    for (const { spec: pod, path } of cluster.podSpecs) {
      if (pod.gpus?.length) {
        gpuEntries += pod.gpus.length;
        gpuPods.push(`${pod.namespace}/${pod.pod_name}`);
      }
      if (pod.seconds > 3600) longHours.push(`${formatPath(path)} (${pod.seconds})`);
    }
    if (window.start < window.end) clusters.push(cluster.cluster);
    else outside.push(`${formatPath(at)} (${window.span})`);
  });
  if (clusters.length === 0) {
    fail([], `no hours in the dataset month ${monthLabel(id)}: ${outside.join('; ')}`);
  }
  if (outside.length > 0) {
    warnings.push(`${manifestName}: nothing written for ${outside.join('; ')}: no hours in ${monthLabel(id)}`);
  }
  if (gpuEntries > 0) {
    warnings.push(
      `${manifestName}: ${gpuEntries} GPU ${gpuEntries === 1 ? 'entry' : 'entries'} (pods ${some(gpuPods)}) ` +
        'read but not summarized: ocpsum writes no GPU usage report',
    );
  }
  if (longHours.length > 0) {
    warnings.push(
      `${manifestName}: more than 3600 seconds in an hour at ${some(longHours)}: ` +
        'every hourly row counts them all, as nise writes it',
    );
  }
  return { clusters, warnings };
}

interface Window {
  /** The generator's hours within the dataset month: [start, end). */
  start: number;
  end: number;
  /** Its own hours, in words. */
  span: string;
}

/** The generator's hours as nise reads start_date and end_date, and their part in the dataset month. */
function hoursOf(spec: GeneratorSpec, options: BuildOptions, at: Path, fail: Fail): Window {
  const { id, now } = options;
  const monthStart = Date.UTC(id.year, id.month - 1, 1);
  const monthEnd = Date.UTC(id.year, id.month, 1);
  const instant = (text: string, key: string): number => {
    const parsed = parseInstant(text);
    if (parsed === 'today') return now - (now % DAY_MS);
    if (parsed === 'last_month') {
      const today = new Date(now);
      return Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1);
    }
    // The schema let only readable dates through.
    return typeof parsed === 'number' ? parsed : fail([...at, key], parsed.problem);
  };
  // Without dates the manifest fills the dataset's month, as nise fills its --start-date..--end-date.
  const from = spec.start_date === undefined ? monthStart : instant(spec.start_date, 'start_date');
  if (spec.end_date === undefined) {
    return { start: Math.max(from, monthStart), end: monthEnd, span: `from ${when(from)}` };
  }
  const until = typeof spec.end_date === 'number' ? from + spec.end_date * DAY_MS : instant(spec.end_date, 'end_date');
  if (until <= from) {
    fail([...at, 'end_date'], `${when(until)} is not after start_date ${when(from)} (the hours stop at end_date)`);
  }
  return {
    start: Math.max(from, monthStart),
    end: Math.min(until, monthEnd),
    span: `${when(from)} until ${when(until)}`,
  };
}

interface PodSource {
  spec: PodSpec & { namespace: string; seconds: number };
  path: Path;
}

function buildCluster(
  spec: GeneratorSpec,
  window: Window,
  at: Path,
  fail: Fail,
): { cluster: Cluster; podSpecs: PodSource[] } {
  const cluster: Cluster = {
    start: window.start,
    end: window.end,
    nodes: spec.nodes,
    namespaces: [],
    pods: [],
    storage: [],
  };
  const podSpecs: PodSource[] = [];
  const namespaceIndex = new Map<string, { name: string; labels: string | null }>();
  /** Pods and claims by namespace/name; a VM's pod by namespace/VM; the VMs declared, by namespace/VM. */
  const pods = new Map<string, PodModel>();
  const claims = new Set<string>();
  const vmPods = new Map<string, string>();
  const vms = new Set<string>();
  const key = (namespace: string, name: string) => `${namespace}/${name}`;

  const addPod = (pod: PodModel, path: Path) => {
    if (pods.has(key(pod.namespace, pod.name))) fail(path, `pod ${pod.name} appears twice in ${pod.namespace}`);
    pods.set(key(pod.namespace, pod.name), pod);
    cluster.pods.push(pod);
  };
  const addClaim = (s: StorageModel) => {
    cluster.storage.push(s);
    claims.add(key(s.namespace!, s.claim!));
  };

  const namespacesOf = (node: NodeSpec, n: number) =>
    Object.entries(node.namespaces ?? {}).map(([name, ns]) => ({
      name,
      ns,
      nsAt: [...at, 'nodes', n, 'namespaces', name],
    }));

  // Pods and volumes first, then virtual machines: a VM may use a pod or a claim of its namespace on any node.
  spec.nodes.forEach((node, n) => {
    const resourceId = `i-${node.resource_id ?? node.node_name}`;
    for (const { name, ns: namespace, nsAt } of namespacesOf(node, n)) {
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
        const path = [...nsAt, 'pods', p, 'pod_name'];
        const seconds = pod.pod_seconds ?? 3600;
        addPod(
          podModel(pod, { name: pod.pod_name, namespace: name, node, resourceId, labels: pod.labels ?? null, seconds }),
          path,
        );
        podSpecs.push({ spec: { ...pod, namespace: name, seconds }, path: [...nsAt, 'pods', p] });
        const vm = vmLabel(pod.labels ?? null);
        if (vm !== undefined && !vmPods.has(key(name, vm))) vmPods.set(key(name, vm), pod.pod_name);
      });
      namespace?.volumes?.forEach((volume, v) => {
        const requestGig = volume.volume_request_gig ?? DEFAULT_VOLUME_GIG;
        const base = {
          volumeName: volume.volume_name,
          storageClass: volume.storage_class ?? null,
          csiVolumeHandle: volume.csi_volume_handle ?? null,
          volumeLabels: volume.labels ?? null,
          requestGig,
        };
        const volumeClaims = volume.volume_claims ?? [];
        const total = volumeClaims.reduce((sum, c) => sum + (c.capacity_gig ?? requestGig), 0);
        if (total > requestGig) {
          fail(
            [...nsAt, 'volumes', v, 'volume_claims'],
            `claims total ${total} GiB, more than the volume's ${requestGig} GiB (volume_request_gig)`,
          );
        }
        for (const c of volumeClaims) {
          addClaim({
            ...base,
            namespace: name,
            pod: c.pod_name,
            claim: c.volume_claim_name ?? c.claim_name!,
            claimLabels: c.labels ?? null,
            capacityGig: c.capacity_gig ?? requestGig,
            usage: c.volume_claim_usage_gig,
          });
        }
        if (volumeClaims.length === 0) {
          cluster.storage.push({
            ...base,
            namespace: null,
            pod: null,
            claim: null,
            claimLabels: null,
            capacityGig: requestGig,
            usage: undefined,
          });
        }
      });
    }
  });

  spec.nodes.forEach((node, n) => {
    const resourceId = `i-${node.resource_id ?? node.node_name}`;
    for (const { name, ns: namespace, nsAt } of namespacesOf(node, n)) {
      namespace?.virtual_machines?.forEach((vm, v) => {
        const vmAt = [...nsAt, 'virtual_machines', v];
        if (vms.has(key(name, vm.vm_name)))
          fail([...vmAt, 'vm_name'], `virtual machine ${vm.vm_name} appears twice in ${name}`);
        vms.add(key(name, vm.vm_name));
        // A pod labelled with the VM's name is its pod; else nise writes one named after the VM.
        let podName = vmPods.get(key(name, vm.vm_name));
        if (podName === undefined) {
          podName = vm.vm_name;
          const seconds = vm.vm_seconds ?? 3600;
          const labels = `label_${ALWAYS_ENABLED_KEY}:${vm.vm_name}`;
          addPod(podModel(vm, { name: podName, namespace: name, node, resourceId, labels, seconds }), [
            ...vmAt,
            'vm_name',
          ]);
          podSpecs.push({ spec: { ...asPod(vm), namespace: name, seconds }, path: vmAt });
          vmPods.set(key(name, vm.vm_name), podName);
        }
        const disk = vmDisk(vm, name, podName, vmAt, { pods, claims, key, fail });
        if (disk) addClaim(disk);
      });
    }
  });
  return { cluster, podSpecs };
}

/** The VM name a pod's labels give it (`label_vm_kubevirt_io_name:NAME`), if any. */
function vmLabel(labels: string | null): string | undefined {
  try {
    return parseLabels(labels)[ALWAYS_ENABLED_KEY];
  } catch {
    return undefined; // malformed labels are the summarizer's to report
  }
}

/** A VM as the pod nise writes for it, for the checks pods get. */
function asPod(vm: VirtualMachineSpec): PodSpec {
  return {
    pod_name: vm.vm_name,
    cpu_request: vm.cpu_request,
    mem_request_gig: vm.mem_request_gig,
    pod_seconds: vm.vm_seconds,
  };
}

/**
 * A VM's disk as nise makes it: with pod_name, that pod's claim (none if it has none); else the
 * claim volume_claim_name (by default `<vm_name>-<vol_device or rootdisk>`), unless the namespace
 * already has a claim of that name: a new claim of capacity_gig on a volume `pv-<claim>` of
 * 100 GiB (or the capacity, if larger), mounted by the VM's pod.
 */
function vmDisk(
  vm: VirtualMachineSpec,
  namespace: string,
  podName: string,
  vmAt: Path,
  known: {
    pods: Map<string, PodModel>;
    claims: Set<string>;
    key: (namespace: string, name: string) => string;
    fail: Fail;
  },
): StorageModel | null {
  const { key, fail } = known;
  if (vm.pod_name !== undefined) {
    if (!known.pods.has(key(namespace, vm.pod_name)))
      fail([...vmAt, 'pod_name'], `no pod ${vm.pod_name} in ${namespace}`);
    return null;
  }
  const claim = vm.volume_claim_name ?? `${vm.vm_name}-${vm.vol_device ?? 'rootdisk'}`;
  if (known.claims.has(key(namespace, claim))) return null;
  const capacityGig = vm.capacity_gig ?? DEFAULT_VM_DISK_GIG;
  return {
    volumeName: `pv-${claim}`,
    storageClass: null,
    csiVolumeHandle: null,
    volumeLabels: null,
    requestGig: Math.max(DEFAULT_VOLUME_GIG, capacityGig),
    namespace,
    pod: podName,
    claim,
    claimLabels: null,
    capacityGig,
    usage: undefined,
  };
}

type Amounts = Pick<
  PodSpec,
  'cpu_request' | 'mem_request_gig' | 'cpu_limit' | 'mem_limit_gig' | 'cpu_usage' | 'mem_usage_gig'
>;

function podModel(
  spec: Amounts,
  where: {
    name: string;
    namespace: string;
    node: NodeSpec;
    resourceId: string;
    labels: string | null;
    seconds: number;
  },
): PodModel {
  const { node } = where;
  const cpuLimit = Math.min(spec.cpu_limit ?? node.cpu_cores, node.cpu_cores);
  const memLimitGig = Math.min(spec.mem_limit_gig ?? node.memory_gig, node.memory_gig);
  return {
    ...where,
    cpuLimit,
    cpuRequest: Math.min(spec.cpu_request, cpuLimit),
    cpuUsage: spec.cpu_usage,
    memLimitGig,
    memRequestGig: Math.min(spec.mem_request_gig, memLimitGig),
    memUsageGig: spec.mem_usage_gig,
  };
}

function podRow(pod: PodModel, start: number, day: number): Row {
  const { node, seconds } = pod;
  const cpuUsage = Math.min(usageOn(pod.cpuUsage, day) ?? pod.cpuRequest, pod.cpuLimit);
  const memUsageGig = Math.min(usageOn(pod.memUsageGig, day) ?? pod.memRequestGig, pod.memLimitGig);
  return {
    interval_start: start,
    interval_end: intervalEnd(start),
    namespace: pod.namespace,
    node: node.node_name,
    pod: pod.name,
    resource_id: pod.resourceId,
    pod_labels: pod.labels,
    pod_usage_cpu_core_seconds: cpuUsage * seconds,
    pod_request_cpu_core_seconds: pod.cpuRequest * seconds,
    pod_limit_cpu_core_seconds: pod.cpuLimit * seconds,
    pod_usage_memory_byte_seconds: memUsageGig * GIB * seconds,
    pod_request_memory_byte_seconds: pod.memRequestGig * GIB * seconds,
    pod_limit_memory_byte_seconds: pod.memLimitGig * GIB * seconds,
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
    persistentvolume: s.volumeName,
    storageclass: s.storageClass,
    persistentvolumeclaim_capacity_bytes: s.capacityGig * GIB,
    persistentvolumeclaim_capacity_byte_seconds: s.capacityGig * GIB * 3600,
    volume_request_storage_byte_seconds: claimed ? s.requestGig * GIB * 3600 : null,
    persistentvolumeclaim_usage_byte_seconds: claimed ? usageGig * GIB * 3600 : null,
    persistentvolume_labels: s.volumeLabels,
    persistentvolumeclaim_labels: s.claimLabels,
    csi_volume_handle: s.csiVolumeHandle,
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
  const first = Math.max(day, cluster.start);
  const end = Math.min(day + DAY_MS, cluster.end);
  for (let start = first; start < end; start += HOUR_MS) {
    const interval = { interval_start: start, interval_end: intervalEnd(start) };
    for (const pod of cluster.pods) rows.openshift_pod_usage_line_items.push(podRow(pod, start, day));
    for (const s of cluster.storage) rows.openshift_storage_usage_line_items.push(storageRow(s, start, day));
    for (const node of cluster.nodes) {
      rows.openshift_node_labels_line_items.push({
        ...interval,
        node: node.node_name,
        node_labels: node.node_labels ?? null,
      });
    }
    for (const ns of cluster.namespaces) {
      rows.openshift_namespace_labels_line_items.push({ ...interval, namespace: ns.name, namespace_labels: ns.labels });
    }
  }
  return rows;
}
