/**
 * The parts of nise's static OCP format beyond pods and volumes: virtual machines, GPUs, the ways
 * nise reads start_date and end_date, pod_seconds, and the shape of nise's own example manifest.
 * Expected values are written as the arithmetic that gives them from the manifest.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateFromManifest } from '../src/index.js';
import { ManifestError } from '../src/manifest-schema.js';
import { Reader, scratch } from './duck.js';

const id = { org: 'org1234567', source: 'c0ffee00-0000-4000-8000-000000000003', year: 2025, month: 10 };
const GIB = 2 ** 30;
const shape = fileURLToPath(new URL('./fixtures/nise-example-shape.yml', import.meta.url));
const allFields = fileURLToPath(new URL('../examples/all-fields.yml', import.meta.url));

/**
 * Every key of nise's example_ocp_static_data.yml, as paths (`[]` an array element, `*` any
 * namespace), from nise's file at commit 12990a2c (2026-04-15). Usage maps end the path: their
 * keys are dates.
 */
const NISE_EXAMPLE_KEYS = [
  ...['generators', 'generators[].OCPGenerator', 'generators[].OCPGenerator.nodes'],
  ...['node', 'node_name', 'node_labels', 'cpu_cores', 'memory_gig', 'resource_id', 'namespaces', 'namespaces.*'].map(
    (k) => `generators[].OCPGenerator.nodes[].${k}`,
  ),
  ...['namespace_labels', 'pods', 'volumes', 'virtual_machines'].map((k) => `NS.${k}`),
  ...[
    ...['pod', 'pod_name', 'cpu_request', 'mem_request_gig', 'cpu_limit', 'mem_limit_gig', 'pod_seconds'],
    ...['cpu_usage', 'mem_usage_gig', 'labels', 'gpus', 'gpus[].gpu', 'gpus[].gpu_model'],
    'gpus[].gpu_memory_capacity_mib',
  ].map((k) => `NS.pods[].${k}`),
  ...[
    ...['volume', 'volume_name', 'storage_class', 'csi_driver', 'csi_volume_handle', 'volume_request_gig'],
    ...['labels', 'volume_claims', 'volume_claims[].volume_claim', 'volume_claims[].volume_claim_name'],
    ...['volume_claims[].pod_name', 'volume_claims[].labels', 'volume_claims[].capacity_gig'],
    'volume_claims[].volume_claim_usage_gig',
  ].map((k) => `NS.volumes[].${k}`),
  ...[
    ...['virtual_machine', 'vm_name', 'cpu_cores', 'cpu_limit', 'cpu_request', 'cpu_request_sockets'],
    ...['cpu_request_threads', 'cpu_usage', 'memory_bytes', 'mem_request_gig', 'mem_limit_gig', 'mem_usage_gig'],
    ...['vm_seconds', 'labels', 'instance_type', 'os', 'guest_os_arch', 'guest_os_name', 'guest_os_version'],
    ...['vol_device', 'volume_mode', 'capacity_gig', 'volume_claim_name'],
  ].map((k) => `NS.virtual_machines[].${k}`),
].map((k) => k.replace(/^NS\./, 'generators[].OCPGenerator.nodes[].namespaces.*.'));

/** The key paths a YAML document uses, in the form of NISE_EXAMPLE_KEYS. */
function keyPaths(value: unknown, at = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, `${at}[]`, out);
  } else if (value && typeof value === 'object' && !/(_usage|_usage_gig)$/.test(at)) {
    for (const [key, child] of Object.entries(value)) {
      const path = `${at ? `${at}.` : ''}${at.endsWith('.namespaces') ? '*' : key}`;
      out.add(path);
      keyPaths(child, path, out);
    }
  }
  return out;
}

const { nextDir, reader: readerOf } = scratch('manifest-nise');

/** Generates a manifest (text, or an object written as YAML); resolves with where, what and the warnings. */
async function generate(manifest: unknown, options: { now?: number } = {}) {
  const outDir = nextDir();
  const warnings: string[] = [];
  const result = await generateFromManifest({
    outDir,
    id,
    manifest: typeof manifest === 'string' ? manifest : stringify(manifest),
    manifestName: 'test.yml',
    onWarning: (m) => warnings.push(m),
    ...options,
  });
  const table = (type: 'pod' | 'storage') =>
    Reader.files(outDir, id, type === 'pod' ? 'openshift_pod_usage_line_items' : 'openshift_storage_usage_line_items');
  return { outDir, result, warnings, pods: table('pod'), storage: table('storage') };
}

async function failure(manifest: unknown): Promise<string> {
  const error = await generate(manifest).then(
    () => expect.unreachable('the manifest was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ManifestError);
  return (error as Error).message;
}

/** One generator, one node (4 cores, 16 GiB), one namespace `vms` holding `namespace`; one day. */
function cluster(namespace: Record<string, unknown>, generator: Record<string, unknown> = {}) {
  return {
    generators: [
      {
        OCPGenerator: {
          start_date: '2025-10-07',
          end_date: 1,
          ...generator,
          nodes: [{ node_name: 'n1', cpu_cores: 4, memory_gig: 16, resource_id: 'r1', namespaces: { vms: namespace } }],
        },
      },
    ],
  };
}

const vm = (extra: Record<string, unknown> = {}) => ({
  virtual_machine: null,
  vm_name: 'db-vm',
  cpu_request: 1,
  cpu_limit: 2,
  mem_request_gig: 4,
  mem_limit_gig: 8,
  ...extra,
});
const NS = 'generators[0].OCPGenerator.nodes[0].namespaces.vms';

describe("nise's example manifest", () => {
  it('the shape fixture and the all-fields example use every key of it', async () => {
    for (const file of [shape, allFields]) {
      const used = keyPaths(parse(await readFile(file, 'utf8')));
      expect(
        NISE_EXAMPLE_KEYS.filter((k) => !used.has(k)),
        file,
      ).toEqual([]);
    }
  });

  it('is accepted in its shape: pods, claims, the VM as a pod and a claim, GPUs warned about once', async () => {
    const { result, warnings, pods, storage } = await generate(await readFile(shape, 'utf8'));
    const hours = 31 * 24; // no dates: the dataset month
    expect(result.rows).toEqual({ pod: 3 * hours, storage: 3 * hours, nodeLabels: hours, namespaceLabels: 2 * hours });
    expect(warnings).toEqual([
      'test.yml: 2 GPU entries (pods payroll/inference-0) read but not summarized: ocpsum writes no GPU usage report',
    ]);

    const at = "interval_start = '2025-10-20 08:00:00'";
    expect(await readerOf().all(`SELECT pod, pod_labels FROM ${pods} WHERE ${at} ORDER BY pod`)).toEqual([
      // Labelled with a VM nobody declares: just a pod, as in nise.
      { pod: 'inference-0', pod_labels: 'label_app:inference|label_accelerator:gpu' },
      { pod: 'ledger-0', pod_labels: 'label_app:ledger|label_env:prod|label_vm_kubevirt_io_name:ledger-vm' },
      { pod: 'payroll_batch_vm', pod_labels: 'label_vm_kubevirt_io_name:payroll_batch_vm' },
    ]);
    const vmRow = await readerOf().one(
      `SELECT * EXCLUDE (interval_start, interval_end, pod_labels) FROM ${pods} WHERE ${at} AND pod = 'payroll_batch_vm'`,
    );
    expect(vmRow).toEqual({
      namespace: 'payroll',
      node: 'worker-1',
      pod: 'payroll_batch_vm',
      resource_id: 'i-31415926',
      pod_usage_cpu_core_seconds: 1 * 3000, // vm_seconds of the hour
      pod_request_cpu_core_seconds: 2 * 3000,
      pod_limit_cpu_core_seconds: 4 * 3000,
      // Request and limit capped at the node's 24 GiB; memory usage is given for days of 2024 only,
      // so it is the request.
      pod_usage_memory_byte_seconds: 24 * GIB * 3000,
      pod_request_memory_byte_seconds: 24 * GIB * 3000,
      pod_limit_memory_byte_seconds: 24 * GIB * 3000,
      pod_effective_usage_cpu_core_seconds: null,
      pod_effective_usage_memory_byte_seconds: null,
      node_capacity_cpu_cores: 6,
      node_capacity_cpu_core_seconds: 6 * 3600,
      node_capacity_memory_bytes: 24 * GIB,
      node_capacity_memory_byte_seconds: 24 * GIB * 3600,
    });
    // ledger-0 asks for 8 cores of a 6-core node: capped.
    expect(
      await readerOf().one(`SELECT pod_request_cpu_core_seconds AS r FROM ${pods} WHERE ${at} AND pod = 'ledger-0'`),
    ).toEqual({ r: 6 * 3600 });

    expect(
      await readerOf().all(
        `SELECT persistentvolume AS pv, persistentvolumeclaim AS claim, pod, storageclass AS class,
                persistentvolumeclaim_capacity_bytes AS capacity, volume_request_storage_byte_seconds AS request,
                persistentvolumeclaim_usage_byte_seconds AS usage, csi_volume_handle AS handle
         FROM ${storage} WHERE ${at} ORDER BY pv`,
      ),
    ).toEqual([
      {
        pv: 'pv-payroll_batch_vm_disk',
        claim: 'payroll_batch_vm_disk',
        pod: 'payroll_batch_vm',
        class: null,
        capacity: 25 * GIB,
        request: 100 * GIB * 3600, // nise asks 100 GiB for the volume of a VM disk
        usage: 25 * GIB * 3600, // not given: the capacity
        handle: null,
      },
      {
        pv: 'pvc-ledger_store',
        claim: 'ledger-0_store',
        pod: 'ledger-0',
        class: 'gp2',
        capacity: 6 * GIB,
        request: 15 * GIB * 3600,
        usage: 2 * GIB * 3600,
        handle: null, // `csi_volume_handle:` left blank
      },
      {
        pv: 'pvc-spare_claimless',
        claim: null,
        pod: null,
        class: 'gp3-csi',
        capacity: 15 * GIB,
        request: null,
        usage: null,
        handle: 'vol-31415926',
      },
    ]);
  });
});

describe('virtual machines', () => {
  it('become a pod named after the VM running vm_seconds of each hour, and a disk claim it mounts', async () => {
    const { result, pods, storage } = await generate(
      cluster({
        virtual_machines: [
          vm({
            cpu_usage: { full_period: 1.5 },
            mem_usage_gig: { '10-7-2025': 6 },
            vm_seconds: 1800,
            labels: 'label_os:rhel',
            volume_claim_name: 'db-vm-root',
            capacity_gig: 30,
          }),
        ],
      }),
    );
    expect(result.rows).toEqual({ pod: 24, storage: 24, nodeLabels: 24, namespaceLabels: 24 });
    expect(
      await readerOf().one(
        `SELECT pod, pod_labels, pod_usage_cpu_core_seconds AS cpu, pod_request_cpu_core_seconds AS cpu_request,
                pod_limit_cpu_core_seconds AS cpu_limit, pod_usage_memory_byte_seconds AS mem,
                pod_request_memory_byte_seconds AS mem_request, pod_limit_memory_byte_seconds AS mem_limit
         FROM ${pods} WHERE interval_start = '2025-10-07 05:00:00'`,
      ),
    ).toEqual({
      pod: 'db-vm',
      pod_labels: 'label_vm_kubevirt_io_name:db-vm', // the VM's own labels go to nise's VM report only
      cpu: 1.5 * 1800,
      cpu_request: 1 * 1800,
      cpu_limit: 2 * 1800,
      mem: 6 * GIB * 1800,
      mem_request: 4 * GIB * 1800,
      mem_limit: 8 * GIB * 1800,
    });
    expect(
      await readerOf().one(
        `SELECT namespace, pod, persistentvolumeclaim AS claim, persistentvolume AS pv,
                volume_request_storage_byte_seconds AS request, persistentvolumeclaim_usage_byte_seconds AS usage
         FROM ${storage} WHERE interval_start = '2025-10-07 05:00:00'`,
      ),
    ).toEqual({
      namespace: 'vms',
      pod: 'db-vm',
      claim: 'db-vm-root',
      pv: 'pv-db-vm-root',
      request: 100 * GIB * 3600,
      usage: 30 * GIB * 3600,
    });
  });

  it('use the pod labelled with their name, on any node, rather than one of their own', async () => {
    const manifest = cluster({ virtual_machines: [vm({ volume_claim_name: 'db-disk', capacity_gig: 10 })] });
    manifest.generators[0].OCPGenerator.nodes.push({
      node_name: 'n2',
      cpu_cores: 8,
      memory_gig: 32,
      resource_id: 'r2',
      namespaces: {
        vms: {
          pods: [
            {
              pod_name: 'virt-launcher-db-vm-x7k2p',
              cpu_request: 1,
              mem_request_gig: 2,
              labels: 'label_vm_kubevirt_io_name:db-vm',
            },
          ],
        } as never,
      },
    });
    const { pods, storage } = await generate(manifest);
    expect(await readerOf().all(`SELECT DISTINCT pod, node FROM ${pods}`)).toEqual([
      { pod: 'virt-launcher-db-vm-x7k2p', node: 'n2' },
    ]);
    expect(await readerOf().all(`SELECT DISTINCT persistentvolumeclaim AS claim, pod FROM ${storage}`)).toEqual([
      { claim: 'db-disk', pod: 'virt-launcher-db-vm-x7k2p' },
    ]);
  });

  it("with pod_name or a claim name already taken, the disk is that pod's or that claim", async () => {
    const volumes = [
      {
        volume_name: 'pv-app',
        volume_request_gig: 10,
        volume_claims: [{ volume_claim_name: 'app-data', pod_name: 'app-0', capacity_gig: 5 }],
      },
    ];
    const pods = [{ pod_name: 'app-0', cpu_request: 1, mem_request_gig: 1 }];
    for (const disk of [{ pod_name: 'app-0' }, { volume_claim_name: 'app-data' }]) {
      const { storage } = await generate(cluster({ pods, volumes, virtual_machines: [vm(disk)] }));
      expect(await readerOf().all(`SELECT DISTINCT persistentvolumeclaim AS claim, pod FROM ${storage}`)).toEqual([
        { claim: 'app-data', pod: 'app-0' },
      ]);
    }
  });

  it('without disk facts get a 40 GiB claim named after the VM and its device; a larger one sizes its volume', async () => {
    const { storage } = await generate(
      cluster({
        virtual_machines: [vm(), vm({ vm_name: 'big-vm', vol_device: 'datadisk', capacity_gig: 120 })],
      }),
    );
    expect(
      await readerOf().all(
        `SELECT DISTINCT persistentvolumeclaim AS claim, persistentvolume AS pv, pod,
                persistentvolumeclaim_capacity_bytes AS capacity, volume_request_storage_byte_seconds AS request
         FROM ${storage} ORDER BY claim`,
      ),
    ).toEqual([
      {
        claim: 'big-vm-datadisk',
        pv: 'pv-big-vm-datadisk',
        pod: 'big-vm',
        capacity: 120 * GIB,
        request: 120 * GIB * 3600,
      },
      { claim: 'db-vm-rootdisk', pv: 'pv-db-vm-rootdisk', pod: 'db-vm', capacity: 40 * GIB, request: 100 * GIB * 3600 },
    ]);
  });

  describe('errors name the field', () => {
    it('a VM named like a pod of its namespace, or twice', async () => {
      const pods = [{ pod_name: 'db-vm', cpu_request: 1, mem_request_gig: 1 }];
      expect(await failure(cluster({ pods, virtual_machines: [vm()] }))).toContain(
        `${NS}.virtual_machines[0].vm_name: pod db-vm appears twice in vms`,
      );
      expect(await failure(cluster({ virtual_machines: [vm(), vm()] }))).toContain(
        `${NS}.virtual_machines[1].vm_name: virtual machine db-vm appears twice in vms`,
      );
    });

    it('an unknown key, a missing request, pod_name with a claim, pod_name of no pod', async () => {
      expect(await failure(cluster({ virtual_machines: [vm({ vm_secs: 60 })] }))).toMatch(
        /virtual_machines\[0\]: Unrecognized key.*vm_secs/,
      );
      expect(await failure(cluster({ virtual_machines: [vm({ cpu_request: undefined })] }))).toContain(
        `${NS}.virtual_machines[0].cpu_request`,
      );
      expect(await failure(cluster({ virtual_machines: [vm({ pod_name: 'x', capacity_gig: 5 })] }))).toContain(
        `${NS}.virtual_machines[0].capacity_gig: give pod_name`,
      );
      expect(await failure(cluster({ virtual_machines: [vm({ pod_name: 'nobody' })] }))).toContain(
        `${NS}.virtual_machines[0].pod_name: no pod nobody in vms`,
      );
    });
  });
});

describe('GPUs', () => {
  const gpuPod = (gpus: unknown[], name = 'train-0') => ({ pod_name: name, cpu_request: 1, mem_request_gig: 1, gpus });

  it("are read in both of nise's forms, MIG instances too, and warned about once", async () => {
    const { result, warnings, pods } = await generate(
      cluster({
        pods: [
          gpuPod([
            { gpu: null, gpu_model: 'H100', gpu_memory_capacity_mib: 81920 },
            {
              gpu_model: 'A100',
              mig_instances: [
                { mig_instance: null, mig_profile: '1g.5gb', mig_strategy: 'mixed' },
                { mig_profile: '2g.10gb', mig_strategy: 'mixed', mig_instance_id: 7 },
              ],
            },
          ]),
          gpuPod([{ gpu_model: 'Tesla T4' }], 'infer-0'),
        ],
      }),
    );
    expect(warnings).toEqual([
      'test.yml: 3 GPU entries (pods vms/train-0, vms/infer-0) read but not summarized: ocpsum writes no GPU usage report',
    ]);
    expect(result.rows.pod).toBe(2 * 24);
    expect(await readerOf().all(`SELECT DISTINCT pod FROM ${pods} ORDER BY pod`)).toEqual([
      { pod: 'infer-0' },
      { pod: 'train-0' },
    ]);
  });

  it('errors name the field: a MIG instance without its strategy, an unknown key', async () => {
    expect(await failure(cluster({ pods: [gpuPod([{ mig_instances: [{ mig_profile: '1g.5gb' }] }])] }))).toContain(
      `${NS}.pods[0].gpus[0].mig_instances[0].mig_strategy`,
    );
    expect(await failure(cluster({ pods: [gpuPod([{ gpu_modle: 'A100' }])] }))).toMatch(
      /pods\[0\]\.gpus\[0\]: Unrecognized key.*gpu_modle/,
    );
  });
});

describe('start_date and end_date as nise reads them', () => {
  const pods = [{ pod_name: 'p', cpu_request: 1, mem_request_gig: 1 }];
  const hoursOf = async (generator: Record<string, unknown>, now?: number) => {
    const { pods: table } = await generate(cluster({ pods }, generator), { now });
    const [{ first, last, n }] = (await readerOf().all(
      `SELECT strftime(min(interval_start), '%Y-%m-%d %H:%M') AS first,
              strftime(max(interval_start), '%Y-%m-%d %H:%M') AS last, count(*)::INT AS n FROM ${table}`,
    )) as { first: string; last: string; n: number }[];
    return `${first}..${last} (${n})`;
  };

  it('the hours stop at end_date: a date is its midnight, an hour is that hour', async () => {
    expect(await hoursOf({ start_date: '2025-10-05', end_date: '2025-10-07' })).toBe(
      '2025-10-05 00:00..2025-10-06 23:00 (48)',
    );
    expect(await hoursOf({ start_date: '2025-10-05 06:00', end_date: '2025-10-05T09:00:00Z' })).toBe(
      '2025-10-05 06:00..2025-10-05 08:00 (3)',
    );
    // nise's month-first dates.
    expect(await hoursOf({ start_date: '10-5-2025', end_date: '10/6/2025' })).toBe(
      '2025-10-05 00:00..2025-10-05 23:00 (24)',
    );
  });

  it('today and last_month are read against the clock', async () => {
    const now = Date.UTC(2025, 10, 15, 10, 30); // 2025-11-15 10:30
    expect(await hoursOf({ start_date: 'last_month', end_date: 'today' }, now)).toBe(
      '2025-10-01 00:00..2025-10-31 23:00 (744)',
    );
    expect(await hoursOf({ start_date: 'today', end_date: undefined }, Date.UTC(2025, 9, 30, 13))).toBe(
      '2025-10-30 00:00..2025-10-31 23:00 (48)',
    );
  });

  it("only the dataset month's hours are written; a generator with none is named in a warning", async () => {
    expect(await hoursOf({ start_date: '2025-09-30', end_date: '2025-10-02' })).toBe(
      '2025-10-01 00:00..2025-10-01 23:00 (24)',
    );
    const two = cluster({ pods });
    two.generators.push({
      OCPGenerator: { ...two.generators[0].OCPGenerator, start_date: '2025-11-01', end_date: 30 },
    });
    const { result, warnings } = await generate(two);
    expect(result.rows.pod).toBe(24);
    expect(warnings).toEqual([
      'test.yml: nothing written for generators[1].OCPGenerator (2025-11-01 until 2025-12-01): no hours in 2025-10',
    ]);
  });

  it('errors name the field', async () => {
    expect(await failure(cluster({ pods }, { start_date: '2025-10-05 06:30' }))).toContain(
      'generators[0].OCPGenerator.start_date: ocpsum writes hourly intervals: give a whole hour',
    );
    expect(await failure(cluster({ pods }, { end_date: 'tomorrow' }))).toContain(
      'generators[0].OCPGenerator.end_date: expected a date (2025-10-01, 10-1-2025 or 10/1/2025)',
    );
    expect(await failure(cluster({ pods }, { start_date: '2025-10-05', end_date: '2025-10-05' }))).toContain(
      'generators[0].OCPGenerator.end_date: 2025-10-05 is not after start_date 2025-10-05',
    );
  });
});

describe('pods as nise reads them', () => {
  it('pod_seconds above an hour scales every hourly row, as in nise, with a warning', async () => {
    const { pods, warnings } = await generate(
      cluster({ pods: [{ pod_name: 'p', cpu_request: 0.5, cpu_limit: 1, mem_request_gig: 1, pod_seconds: 86400 }] }),
    );
    expect(
      await readerOf().one(
        `SELECT pod_request_cpu_core_seconds AS request, pod_limit_cpu_core_seconds AS "limit",
                node_capacity_cpu_core_seconds AS capacity
         FROM ${pods} WHERE interval_start = '2025-10-07 00:00:00'`,
      ),
    ).toEqual({ request: 0.5 * 86400, limit: 1 * 86400, capacity: 4 * 3600 });
    expect(warnings).toEqual([
      `test.yml: more than 3600 seconds in an hour at ${NS}.pods[0] (86400): every hourly row counts them all, as nise writes it`,
    ]);
  });

  it('the first usage key that applies wins: full_period listed first applies every day', async () => {
    const { pods } = await generate(
      cluster({
        pods: [
          { pod_name: 'a', cpu_request: 1, mem_request_gig: 1, cpu_usage: { full_period: 0.5, '2025-10-07': 1.5 } },
          { pod_name: 'b', cpu_request: 1, mem_request_gig: 1, cpu_usage: { '10-7-2025': 1.5, full_period: 0.5 } },
        ],
      }),
    );
    expect(
      await readerOf().all(
        `SELECT pod, pod_usage_cpu_core_seconds AS cpu FROM ${pods} WHERE interval_start = '2025-10-07 00:00:00' ORDER BY pod`,
      ),
    ).toEqual([
      { pod: 'a', cpu: 0.5 * 3600 },
      { pod: 'b', cpu: 1.5 * 3600 },
    ]);
  });

  it("a volume without volume_request_gig asks nise's 100 GiB", async () => {
    const { storage } = await generate(
      cluster({
        pods: [{ pod_name: 'p', cpu_request: 1, mem_request_gig: 1 }],
        volumes: [{ volume_name: 'pv', volume_claims: [{ volume_claim_name: 'c', pod_name: 'p', capacity_gig: 10 }] }],
      }),
    );
    expect(
      await readerOf().one(
        `SELECT DISTINCT volume_request_storage_byte_seconds AS request, persistentvolumeclaim_capacity_bytes AS capacity FROM ${storage}`,
      ),
    ).toEqual({ request: 100 * GIB * 3600, capacity: 10 * GIB });
  });

  it('a resource_id too large for a number is refused rather than misread', async () => {
    const manifest = stringify(cluster({})).replace('resource_id: r1', 'resource_id: 123456789012345678901');
    expect(await failure(manifest)).toContain('generators[0].OCPGenerator.nodes[0].resource_id: too large');
  });
});
