import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * nise's static OCP manifest (`nise report ocp --static-report-file`), the subset ocpsum generates:
 * nodes → namespaces → pods and volumes → volume claims. Keys nise knows but that feed no report
 * ocpsum writes (GPUs, CSI driver, ROS workload) are accepted and ignored; unknown keys are errors,
 * so a typo does not silently fall back to a default.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})-(\d{1,2})-(\d{4})$/;

/** Epoch ms of a `YYYY-MM-DD` or nise's `M-D-YYYY` date at 00:00 UTC, or null. */
export function parseDay(text: string): number | null {
  const iso = ISO_DATE.exec(text);
  const us = US_DATE.exec(text);
  if (!iso && !us) return null;
  const [year, month, day] = (iso ? [iso[1], iso[2], iso[3]] : [us![3], us![1], us![2]]).map(Number);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; only a date that reads back the same is real.
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : null;
}

const amount = z.number().nonnegative();
const positive = z.number().positive();
const labels = z.string().nullish();
const isoDay = z.string().regex(ISO_DATE, 'expected a date YYYY-MM-DD').refine((s) => parseDay(s) !== null, 'no such date');

/** `full_period` for every day, or a value per date; a date's own value wins over full_period. */
const usage = z.record(
  z.string().refine((key) => key === 'full_period' || parseDay(key) !== null, {
    message: 'expected full_period or a date (YYYY-MM-DD or M-D-YYYY)',
  }),
  amount,
);

const pod = z.strictObject({
  pod: z.null().optional(),
  pod_name: z.string().min(1),
  cpu_request: amount,
  mem_request_gig: amount,
  cpu_limit: amount.optional(),
  mem_limit_gig: amount.optional(),
  pod_seconds: z.number().int().min(1).max(3600).optional(),
  cpu_usage: usage.optional(),
  mem_usage_gig: usage.optional(),
  labels,
  gpus: z.unknown().optional(),
  workload: z.unknown().optional(),
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
  volume_request_gig: positive,
  labels,
  volume_claims: z.array(claim).nullish(),
});

const namespace = z.strictObject({
  namespace_labels: labels,
  pods: z.array(pod).nullish(),
  volumes: z.array(volume).nullish(),
  // nise turns virtual machines into pods and volumes of their own; say so rather than drop them.
  virtual_machines: z
    .unknown()
    .refine(() => false, 'virtual machines are not supported; describe them as pods and volumes')
    .optional(),
});

const node = z.strictObject({
  node: z.null().optional(),
  node_name: z.string().min(1),
  cpu_cores: positive,
  memory_gig: positive,
  resource_id: z.union([z.string().min(1), z.number()]).optional(),
  node_labels: labels,
  // An empty namespace (`name:` with nothing under it) is null in YAML, as nise allows.
  namespaces: z.record(z.string().min(1), namespace.nullable()).nullish(),
});

const generator = z.strictObject({
  start_date: isoDay.optional(),
  /** A date (inclusive), or nise's number of days from start_date. */
  end_date: z.union([isoDay, z.number().int().positive()]).optional(),
  nodes: z.array(node).min(1),
});

const manifest = z.strictObject({
  generators: z.array(z.strictObject({ OCPGenerator: generator })).min(1),
});

export type Manifest = z.infer<typeof manifest>;
export type GeneratorSpec = z.infer<typeof generator>;
export type NodeSpec = z.infer<typeof node>;
export type PodSpec = z.infer<typeof pod>;
export type VolumeSpec = z.infer<typeof volume>;
export type UsageSpec = z.infer<typeof usage>;

/** A path into the manifest as a reader would write it: `generators[0].OCPGenerator.nodes[1].cpu_cores`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

export class ManifestError extends Error {
  constructor(manifestName: string, problems: string[]) {
    super(`invalid manifest ${manifestName}:\n  ${problems.join('\n  ')}`);
    this.name = 'ManifestError';
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
