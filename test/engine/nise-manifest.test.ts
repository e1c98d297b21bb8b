/**
 * A nise static OCP manifest with every key nise's example has (packages/generate/examples/
 * all-fields.yml), generated and summarized through the CLI as a user runs it, and the summary
 * checked against numbers worked out by hand from the manifest.
 *
 * The manifest has two days (start_date 2025-10-01; the hours stop at end_date 2025-10-03) on one
 * node of 8 cores and 32 GiB. Per day (24 hours): the VM billing-vm runs vm_seconds = 1800 of each
 * hour with usage 1.5 cores, request 1, limit 2; memory usage 6 GiB on Oct 1 and 5 GiB on Oct 2,
 * request 4, limit 8. So its CPU usage is 24 × 1.5 × 1800 / 3600 = 18 core-hours a day.
 * Units (docs/rules.md §4): core-seconds ÷ 3600 → core-hours; GiB × seconds ÷ 3600 → GB-hours;
 * GiB × seconds ÷ (86400 × 31) → GB-months in October.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ocpsum } from '../helpers/cli.js';
import { readCsv } from '../helpers/csv.js';
import { sameNumber } from '../helpers/rows.js';

const MANIFEST = fileURLToPath(new URL('../../packages/generate/examples/all-fields.yml', import.meta.url));
const SOURCE = '5e1f0c2a-9d3b-4e7a-8c61-2b4d6f8a0c1e';
const DATASET = ['--source', SOURCE, '--year', '2025', '--month', '10'];
/** Hours in a day, seconds in an hour, GB-months of one GiB held for a day of October. */
const HOURS = 24;
const H = 3600;
const DAY_MONTHS = 1 / 31;

let work: string;
let generated: Awaited<ReturnType<typeof ocpsum>>;
let rows: Record<string, string | null>[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocpsum-nise-manifest-'));
  const root = join(work, 'root');
  generated = await ocpsum(['generate', '--manifest', MANIFEST, '--out', root, ...DATASET]);
  expect(generated.stderr.replace(/^ocpsum: warning: .*\n/gm, ''), generated.stderr).toBe('');
  expect(generated.code).toBe(0);
  // Labels app and tier enabled (vm_kubevirt_io_name always is); the node a worker.
  const reference = join(work, 'reference.yml');
  await writeFile(
    reference,
    'enabled_keys: [app, tier]\nnode_roles:\n  - { node: compute-a, resource_id: i-7001, role: worker }\n',
  );
  const out = join(work, 'summary.csv');
  const run = await ocpsum([
    'run',
    '--root',
    root,
    ...DATASET,
    '--mode',
    'memory',
    '--reference',
    reference,
    '--out',
    out,
  ]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/^ocpsum: reading the masu layout at /);
  expect(run.stderr).not.toMatch(/warning|error/);
  const table = await readCsv(out);
  rows = table.rows.map((cells) => Object.fromEntries(table.header.map((h, i) => [h, cells[i]])));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The one row matching `where`. */
function row(where: Record<string, string | null>): Record<string, string | null> {
  const found = rows.filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
  expect(found, JSON.stringify(where)).toHaveLength(1);
  return found[0];
}

/** Numbers within 1e-9 relative, the rest exactly; names the column that differs. */
function expectValues(actual: Record<string, string | null>, expected: Record<string, number | string | null>) {
  for (const [column, want] of Object.entries(expected)) {
    const got = actual[column];
    if (typeof want === 'number') {
      expect(got !== null && sameNumber(Number(got), want), `${column}: got ${got}, expected ${want}`).toBe(true);
    } else expect(got, column).toBe(want);
  }
}

const VM_LABELS = '{"vm_kubevirt_io_name":"billing-vm"}';
const pod = (day: string, labels: string) => row({ data_source: 'Pod', usage_start: day, pod_labels: labels });
const claim = (day: string, name: string) =>
  row({ data_source: 'Storage', usage_start: day, persistentvolumeclaim: name });

test('generate writes the hours of the manifest and warns once that GPUs are not summarized', () => {
  // Per hour: 3 pods (cart-0, trainer-0, the VM's), 3 storage rows (cart-data, pv-archive, the VM's
  // disk), 1 node, 2 namespaces (idle, shop); 48 hours.
  expect(generated.stdout).toContain('generated 144 pod usage, 144 storage, 48 node label, 96 namespace label rows');
  const warnings = generated.stderr.split('\n').filter((line) => line.startsWith('ocpsum: warning:'));
  expect(warnings).toEqual([
    'ocpsum: warning: all-fields.yml: 2 GPU entries (pods shop/trainer-0) read but not summarized: ocpsum writes no GPU usage report',
  ]);
});

test('the summary has the two days before end_date, each with 3 pod, 1 unallocated and 3 storage rows', () => {
  expect([...new Set(rows.map((r) => r.usage_start))].sort()).toEqual(['2025-10-01', '2025-10-02']);
  expect(rows).toHaveLength(2 * 7);
});

test("the VM's pod row: its vm_kubevirt_io_name label and its hours", () => {
  const capacity = {
    node_capacity_cpu_cores: 8,
    node_capacity_cpu_core_hours: HOURS * 8,
    node_capacity_memory_gigabytes: 32,
    node_capacity_memory_gigabyte_hours: HOURS * 32,
    cluster_capacity_cpu_core_hours: HOURS * 8,
    cluster_capacity_memory_gigabyte_hours: HOURS * 32,
  };
  expectValues(pod('2025-10-01', VM_LABELS), {
    namespace: 'shop',
    node: 'compute-a',
    resource_id: 'i-7001',
    all_labels: VM_LABELS,
    pod_usage_cpu_core_hours: (HOURS * 1.5 * 1800) / H, // 18
    pod_request_cpu_core_hours: (HOURS * 1 * 1800) / H, // 12
    pod_effective_usage_cpu_core_hours: (HOURS * Math.max(1.5, 1) * 1800) / H,
    pod_limit_cpu_core_hours: (HOURS * 2 * 1800) / H,
    pod_usage_memory_gigabyte_hours: (HOURS * 6 * 1800) / H, // 10-1-2025: 6
    pod_request_memory_gigabyte_hours: (HOURS * 4 * 1800) / H,
    pod_effective_usage_memory_gigabyte_hours: (HOURS * 6 * 1800) / H,
    pod_limit_memory_gigabyte_hours: (HOURS * 8 * 1800) / H,
    ...capacity,
  });
  expectValues(pod('2025-10-02', VM_LABELS), {
    pod_usage_cpu_core_hours: (HOURS * 1.5 * 1800) / H,
    pod_usage_memory_gigabyte_hours: (HOURS * 5 * 1800) / H, // 10/2/2025: 5
  });
});

test('the storage rows of the VM disk and of the other volumes', () => {
  for (const day of ['2025-10-01', '2025-10-02']) {
    // The VM's claim: 30 GiB on a volume that asks nise's 100 GiB; usage not given is the capacity.
    expectValues(claim(day, 'billing-vm-root'), {
      namespace: 'shop',
      node: 'compute-a',
      resource_id: 'i-7001',
      persistentvolume: 'pv-billing-vm-root',
      storageclass: null,
      volume_labels: '{}',
      persistentvolumeclaim_capacity_gigabyte: 30,
      persistentvolumeclaim_capacity_gigabyte_months: 30 * DAY_MONTHS,
      volume_request_storage_gigabyte_months: 100 * DAY_MONTHS,
      persistentvolumeclaim_usage_gigabyte_months: 30 * DAY_MONTHS,
      pod_usage_cpu_core_hours: null,
    });
    expectValues(claim(day, 'cart-data'), {
      node: 'compute-a',
      persistentvolume: 'pv-cart',
      storageclass: 'gp3-csi',
      volume_labels: '{"tier":"data"}',
      csi_volume_handle: null,
      persistentvolumeclaim_capacity_gigabyte: 10,
      persistentvolumeclaim_capacity_gigabyte_months: 10 * DAY_MONTHS,
      volume_request_storage_gigabyte_months: 20 * DAY_MONTHS,
      persistentvolumeclaim_usage_gigabyte_months: 4 * DAY_MONTHS,
    });
    // A volume without claims: no namespace or node, capacity only.
    expectValues(row({ data_source: 'Storage', usage_start: day, persistentvolume: 'pv-archive' }), {
      namespace: null,
      node: null,
      persistentvolumeclaim: null,
      csi_volume_handle: 'vol-archive-01',
      volume_labels: '{"tier":"archive"}',
      persistentvolumeclaim_capacity_gigabyte: 50,
      persistentvolumeclaim_capacity_gigabyte_months: 50 * DAY_MONTHS,
      volume_request_storage_gigabyte_months: null,
      persistentvolumeclaim_usage_gigabyte_months: null,
    });
  }
});

test('the other pods: the first usage key that applies, pod_seconds, usage defaulting to the request', () => {
  // cart-0: cpu_usage lists 2025-10-02 (1.5) before full_period (0.5).
  expectValues(pod('2025-10-01', '{"app":"cart","tier":"web"}'), { pod_usage_cpu_core_hours: HOURS * 0.5 });
  expectValues(pod('2025-10-02', '{"app":"cart","tier":"web"}'), {
    pod_usage_cpu_core_hours: HOURS * 1.5,
    pod_request_cpu_core_hours: HOURS * 1,
    pod_usage_memory_gigabyte_hours: HOURS * 3,
  });
  // trainer-0: half of each hour, usage = request = 2 cores and 8 GiB.
  expectValues(pod('2025-10-01', '{"app":"trainer"}'), {
    pod_usage_cpu_core_hours: (HOURS * 2 * 1800) / H,
    pod_limit_cpu_core_hours: (HOURS * 4 * 1800) / H,
    pod_usage_memory_gigabyte_hours: (HOURS * 8 * 1800) / H,
  });
  // What the node had left on Oct 1: capacity minus cart-0, trainer-0 and the VM.
  expectValues(row({ usage_start: '2025-10-01', namespace: 'Worker unallocated' }), {
    node: 'compute-a',
    pod_usage_cpu_core_hours: HOURS * 8 - (HOURS * 0.5 + (HOURS * 2) / 2 + (HOURS * 1.5) / 2), // 192 − 54
    pod_request_cpu_core_hours: HOURS * 8 - (HOURS * 1 + (HOURS * 2) / 2 + (HOURS * 1) / 2), // 192 − 60
    pod_usage_memory_gigabyte_hours: HOURS * 32 - (HOURS * 3 + (HOURS * 8) / 2 + (HOURS * 6) / 2), // 768 − 240
  });
});
