import { parse as parseYaml } from 'yaml';
import { InputError } from '@ocpsum/core';
import { z } from 'zod';

/**
 * nise's static OCP manifest (`nise report ocp --static-report-file`): generators → nodes →
 * namespaces → pods, volumes (→ volume claims) and virtual machines; pods may list GPUs. Every key
 * nise reads is accepted; keys that only feed reports ocpsum does not write (GPUs, ROS workload,
 * the VM report's sockets, threads, OS and disk facts, CSI driver) are checked and not written.
 * Unknown keys are errors, so a typo does not silently fall back to a default.
 */

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
/** nise reads dates with dateutil, month first: 6-1-2025 and 6/1/2025 are June 1st. */
const US_DATE = /^(\d{1,2})([-/])(\d{1,2})\2(\d{4})$/;
const ISO_HOUR = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(?:Z|UTC|[+-]00:?00))?$/;

function utc(year: number, month: number, day: number, hour = 0): number | null {
  if (hour > 23) return null;
  const ms = Date.UTC(year, month - 1, day, hour);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; only a date that reads back the same is real.
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : null;
}

/** Epoch ms of a `YYYY-MM-DD`, `M-D-YYYY` or `M/D/YYYY` date at 00:00 UTC, or null. */
export function parseDay(text: string): number | null {
  const iso = ISO_DATE.exec(text);
  if (iso) return utc(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const us = US_DATE.exec(text);
  if (us) return utc(Number(us[4]), Number(us[1]), Number(us[3]));
  return null;
}

/** start_date and end_date words nise reads against the clock. */
export type ClockWord = 'today' | 'last_month';
const CLOCK_WORDS: readonly string[] = ['today', 'last_month'] satisfies ClockWord[];

const DATE_FORMS = 'a date (2025-10-01, 10-1-2025 or 10/1/2025), an hour (2025-10-01 06:00), today or last_month';

/**
 * A start_date or end_date as nise reads it: epoch ms of the instant (UTC), a clock word, or why
 * not. ocpsum writes intervals on the hour, so a time must be a whole hour.
 */
export function parseInstant(text: string): number | ClockWord | { problem: string } {
  if (CLOCK_WORDS.includes(text)) return text as ClockWord;
  const day = parseDay(text);
  if (day !== null) return day;
  const hour = ISO_HOUR.exec(text);
  if (!hour) return { problem: `expected ${DATE_FORMS}` };
  const [minutes, seconds] = [Number(hour[5]), Number(hour[6] ?? 0)];
  if (minutes !== 0 || seconds !== 0)
    return { problem: 'ocpsum writes hourly intervals: give a whole hour (minutes and seconds 00)' };
  const ms = utc(Number(hour[1]), Number(hour[2]), Number(hour[3]), Number(hour[4]));
  return ms ?? { problem: 'no such date or hour' };
}

const amount = z.number().nonnegative();
const positive = z.number().positive();
const labels = z.string().nullish();
/** Free text nise copies into a report ocpsum does not write; YAML may read it as a number. */
const note = z.union([z.string(), z.number()]).nullish();
/**
 * Seconds of an hour the pod ran: each hourly row's usage, request and limit are the per-second
 * amounts times this, as nise writes them (node capacity stays a whole hour).
 */
const seconds = positive;

const instant = z.string().superRefine((text, ctx) => {
  const parsed = parseInstant(text);
  if (typeof parsed === 'object') ctx.addIssue({ code: 'custom', message: parsed.problem });
});

/** `full_period` for every day, or a value per date; the first key (in file order) that applies wins, as in nise. */
const usage = z.record(
  z.string().refine((key) => key === 'full_period' || parseDay(key) !== null, {
    message: 'expected full_period or a date (YYYY-MM-DD, M-D-YYYY or M/D/YYYY)',
  }),
  amount,
);

const migInstance = z.strictObject({
  mig_instance: z.null().optional(),
  mig_profile: z.string().min(1),
  mig_strategy: z.string().min(1),
  mig_instance_id: z.union([z.string().min(1), z.number().int()]).nullish(),
});

const gpu = z.strictObject({
  gpu: z.null().optional(),
  gpu_model: z.string().min(1).nullish(),
  gpu_memory_capacity_mib: positive.nullish(),
  mig_instances: z.array(migInstance).nullish(),
});

const pod = z.strictObject({
  pod: z.null().optional(),
  pod_name: z.string().min(1),
  cpu_request: amount,
  mem_request_gig: amount,
  cpu_limit: amount.optional(),
  mem_limit_gig: amount.optional(),
  pod_seconds: seconds.optional(),
  cpu_usage: usage.optional(),
  mem_usage_gig: usage.optional(),
  labels,
  /** Read, warned about, not summarized: ocpsum writes no GPU report. */
  gpus: z.array(gpu).nullish(),
  /** The ROS report's owner kind; ocpsum writes no ROS report. */
  workload: z.string().nullish(),
});

const claim = z
  .strictObject({
    volume_claim: z.null().optional(),
    volume_claim_name: z.string().min(1).optional(),
    /** An alias of volume_claim_name. */
    claim_name: z.string().min(1).optional(),
    pod_name: z.string().min(1),
    labels,
    capacity_gig: positive.optional(),
    volume_claim_usage_gig: usage.optional(),
  })
  .refine((c) => (c.volume_claim_name === undefined) !== (c.claim_name === undefined), {
    message: 'expected exactly one of volume_claim_name or claim_name',
  });

const volume = z.strictObject({
  volume: z.null().optional(),
  volume_name: z.string().min(1),
  storage_class: z.string().nullish(),
  csi_driver: z.string().nullish(),
  csi_volume_handle: z.string().nullish(),
  /** nise's default is 100 GiB. */
  volume_request_gig: positive.optional(),
  labels,
  volume_claims: z.array(claim).nullish(),
});

/**
 * A KubeVirt virtual machine. nise writes it as a pod named after the VM, labelled
 * `label_vm_kubevirt_io_name:<vm_name>` (unless a pod already carries that label), running
 * vm_seconds of each hour, plus a volume claim for its disk (volume_claim_name, capacity_gig), or
 * the claim of pod_name's pod. The other keys feed only nise's VM report.
 */
const virtualMachine = z
  .strictObject({
    virtual_machine: z.null().optional(),
    vm_name: z.string().min(1),
    cpu_request: amount,
    mem_request_gig: amount,
    cpu_limit: amount.optional(),
    mem_limit_gig: amount.optional(),
    cpu_usage: usage.optional(),
    mem_usage_gig: usage.optional(),
    vm_seconds: seconds.optional(),
    /** The VM report's labels; the VM's pod carries only its vm_kubevirt_io_name label, as in nise. */
    labels,
    pod_name: z.string().min(1).optional(),
    volume_claim_name: z.string().min(1).optional(),
    capacity_gig: positive.optional(),
    // Read by nise for its VM report only.
    cpu_cores: amount.optional(),
    memory_bytes: amount.optional(),
    cpu_request_sockets: amount.optional(),
    cpu_request_threads: amount.optional(),
    instance_type: note,
    os: note,
    guest_os_arch: note,
    guest_os_name: note,
    guest_os_version: note,
    vol_device: note,
    volume_mode: note,
  })
  .superRefine((vm, ctx) => {
    // nise drops the claim silently when pod_name is given; say so instead.
    for (const key of ['volume_claim_name', 'capacity_gig'] as const) {
      if (vm.pod_name !== undefined && vm[key] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `give pod_name (the disk is that pod's claim) or ${key}, not both`,
        });
      }
    }
  });

const namespace = z.strictObject({
  namespace_labels: labels,
  pods: z.array(pod).nullish(),
  volumes: z.array(volume).nullish(),
  virtual_machines: z.array(virtualMachine).nullish(),
});

const node = z.strictObject({
  node: z.null().optional(),
  node_name: z.string().min(1),
  cpu_cores: positive,
  memory_gig: positive,
  resource_id: z
    .union([
      z.string().min(1),
      z.number().refine(Number.isSafeInteger, 'too large to read exactly as a number: write it in quotes'),
    ])
    .optional(),
  node_labels: labels,
  // An empty namespace (`name:` with nothing under it) is null in YAML, as nise allows.
  namespaces: z.record(z.string().min(1), namespace.nullable()).nullish(),
});

const generator = z.strictObject({
  /** The first hour; without it, the dataset month's first. */
  start_date: instant.optional(),
  /**
   * Where the hours stop, as in nise: an instant (a date is its midnight, so that day has no rows),
   * or a number of days after start_date. Without it, the end of the dataset month.
   */
  end_date: z.union([instant, z.number().int().positive()]).optional(),
  nodes: z.array(node).min(1),
});

const manifest = z.strictObject({
  generators: z.array(z.strictObject({ OCPGenerator: generator })).min(1),
});

export type Manifest = z.infer<typeof manifest>;
export type GeneratorSpec = z.infer<typeof generator>;
export type NodeSpec = z.infer<typeof node>;
export type PodSpec = z.infer<typeof pod>;
export type VirtualMachineSpec = z.infer<typeof virtualMachine>;
export type UsageSpec = z.infer<typeof usage>;

/** A path into the manifest as a reader would write it: `generators[0].OCPGenerator.nodes[1].cpu_cores`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

/** A manifest `ocpsum generate` cannot follow: each problem on a line of its own, with its path. */
export class ManifestError extends InputError {
  override name = 'ManifestError';

  constructor(manifestName: string, problems: string[]) {
    super(`invalid manifest ${manifestName}:\n  ${problems.join('\n  ')}`);
  }
}

export function parseManifest(text: string, manifestName: string): Manifest {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ManifestError(manifestName, [`not valid YAML: ${(error as Error).message}`]);
  }
  const result = manifest.safeParse(data);
  if (!result.success) {
    throw new ManifestError(
      manifestName,
      result.error.issues.map((issue) => {
        // zod reports a bad record key as "Invalid key in record"; the reason is one level down.
        const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
        return `${formatPath(issue.path) || '(top level)'}: ${message}`;
      }),
    );
  }
  return result.data;
}
