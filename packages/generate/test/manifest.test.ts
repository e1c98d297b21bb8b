import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generateFromManifest } from '../src/index.js';
import { ManifestError } from '../src/manifest-schema.js';
import { Reader, scratch } from './duck.js';

const id = { org: 'org1234567', source: 'c0ffee00-0000-4000-8000-000000000002', year: 2025, month: 10 };
const GIB = 2 ** 30;
const example = fileURLToPath(new URL('../examples/small-cluster.yml', import.meta.url));

/** Two days (the hours stop at end_date) of one node with two pods, a claimed volume and a volume without claims. */
function baseManifest() {
  return {
    generators: [
      {
        OCPGenerator: {
          start_date: '2025-10-05',
          end_date: '2025-10-07',
          nodes: [
            {
              node: null,
              node_name: 'n1',
              cpu_cores: 4,
              memory_gig: 16,
              resource_id: 1234,
              node_labels: 'label_role:worker',
              namespaces: {
                shop: {
                  namespace_labels: 'label_team:web',
                  pods: [
                    {
                      pod: null,
                      pod_name: 'web-0',
                      cpu_request: 1,
                      mem_request_gig: 2,
                      cpu_limit: 2,
                      mem_limit_gig: 4,
                      pod_seconds: 3600,
                      // The first key that applies to a day wins, as in nise: the 6th's own value, else full_period.
                      cpu_usage: { '2025-10-06': 1.5, full_period: 0.5 },
                      mem_usage_gig: { full_period: 1.5 },
                      labels: 'label_app:web|label_tier:db',
                    },
                    // Asks for more than the node has and gives no limit, usage or labels.
                    { pod: null, pod_name: 'batch-0', cpu_request: 8, mem_request_gig: 1, pod_seconds: 1800 },
                  ],
                  volumes: [
                    {
                      volume: null,
                      volume_name: 'pv-shop',
                      storage_class: 'gp3',
                      volume_request_gig: 10,
                      labels: 'label_disk:fast',
                      volume_claims: [
                        {
                          volume_claim: null,
                          volume_claim_name: 'shop-data',
                          pod_name: 'web-0',
                          capacity_gig: 8,
                          labels: 'label_app:web',
                          volume_claim_usage_gig: { full_period: 2 },
                        },
                      ],
                    },
                    { volume: null, volume_name: 'pv-spare', volume_request_gig: 5 },
                  ],
                },
              },
            },
          ],
        },
      },
    ],
  };
}

type Base = ReturnType<typeof baseManifest>;
const generatorOf = (m: Base) => m.generators[0].OCPGenerator;
const shopOf = (m: Base) => generatorOf(m).nodes[0].namespaces.shop;

const { nextDir, reader: readerOf } = scratch('manifest');

describe('generateFromManifest', () => {
  it('writes one row per pod, claim, node and namespace per hour, only on the manifest days', async () => {
    const outDir = nextDir();
    const result = await generateFromManifest({ outDir, id, manifest: stringify(baseManifest()) });
    expect(result.rows).toEqual({ pod: 2 * 48, storage: 2 * 48, nodeLabels: 48, namespaceLabels: 48 });
    const days = new Set(result.files.map((f) => /-(\d\d)_0\.parquet$/.exec(f)![1]));
    expect([...days].sort()).toEqual(['05', '06']);
    expect(result.files).toHaveLength(8);
  });

  it('computes a pod-hour as nise does', async () => {
    const outDir = nextDir();
    await generateFromManifest({ outDir, id, manifest: stringify(baseManifest()) });
    const pods = Reader.files(outDir, id, 'openshift_pod_usage_line_items');
    const web = await readerOf().one(
      `SELECT * EXCLUDE (interval_start) FROM ${pods} WHERE pod = 'web-0' AND interval_start = '2025-10-05 13:00:00'`,
    );
    expect(web).toEqual({
      interval_end: '2025-10-05 13:59:59 +0000 UTC',
      namespace: 'shop',
      node: 'n1',
      pod: 'web-0',
      resource_id: 'i-1234', // nise prefixes i- to the node's resource_id
      pod_labels: 'label_app:web|label_tier:db',
      pod_usage_cpu_core_seconds: 0.5 * 3600, // 1800
      pod_request_cpu_core_seconds: 1 * 3600,
      pod_limit_cpu_core_seconds: 2 * 3600,
      pod_usage_memory_byte_seconds: 1.5 * GIB * 3600,
      pod_request_memory_byte_seconds: 2 * GIB * 3600,
      pod_limit_memory_byte_seconds: 4 * GIB * 3600,
      pod_effective_usage_cpu_core_seconds: null,
      pod_effective_usage_memory_byte_seconds: null,
      node_capacity_cpu_cores: 4,
      node_capacity_cpu_core_seconds: 4 * 3600,
      node_capacity_memory_bytes: 16 * GIB,
      node_capacity_memory_byte_seconds: 16 * GIB * 3600,
    });
    // A date listed before full_period beats it.
    const nextDay = await readerOf().one(
      `SELECT pod_usage_cpu_core_seconds AS cpu FROM ${pods} WHERE pod = 'web-0' AND interval_start = '2025-10-06 00:00:00'`,
    );
    expect(nextDay.cpu).toBe(1.5 * 3600);
    // Request capped at the node's cores (the default limit); usage defaults to the request; half an hour of it.
    const batch = await readerOf().one(
      `SELECT pod_request_cpu_core_seconds AS request, pod_limit_cpu_core_seconds AS "limit",
              pod_usage_cpu_core_seconds AS usage, pod_usage_memory_byte_seconds AS memory,
              pod_limit_memory_byte_seconds AS memory_limit, pod_labels AS labels
       FROM ${pods} WHERE pod = 'batch-0' AND interval_start = '2025-10-05 13:00:00'`,
    );
    expect(batch).toEqual({
      request: 4 * 1800,
      limit: 4 * 1800,
      usage: 4 * 1800,
      memory: 1 * GIB * 1800,
      memory_limit: 16 * GIB * 1800,
      labels: null,
    });
  });

  it('computes storage rows, and leaves request and usage empty for a volume without claims', async () => {
    const outDir = nextDir();
    await generateFromManifest({ outDir, id, manifest: stringify(baseManifest()) });
    const rows = await readerOf().all(
      `SELECT * EXCLUDE (interval_start, interval_end) FROM ${Reader.files(outDir, id, 'openshift_storage_usage_line_items')}
       WHERE interval_start = '2025-10-06 23:00:00' ORDER BY persistentvolume`,
    );
    expect(rows).toEqual([
      {
        namespace: 'shop',
        pod: 'web-0',
        persistentvolumeclaim: 'shop-data',
        persistentvolume: 'pv-shop',
        storageclass: 'gp3',
        persistentvolumeclaim_capacity_bytes: 8 * GIB,
        persistentvolumeclaim_capacity_byte_seconds: 8 * GIB * 3600,
        volume_request_storage_byte_seconds: 10 * GIB * 3600,
        persistentvolumeclaim_usage_byte_seconds: 2 * GIB * 3600,
        persistentvolume_labels: 'label_disk:fast',
        persistentvolumeclaim_labels: 'label_app:web',
        csi_volume_handle: null,
      },
      {
        namespace: null,
        pod: null,
        persistentvolumeclaim: null,
        persistentvolume: 'pv-spare',
        storageclass: null,
        persistentvolumeclaim_capacity_bytes: 5 * GIB,
        persistentvolumeclaim_capacity_byte_seconds: 5 * GIB * 3600,
        volume_request_storage_byte_seconds: null,
        persistentvolumeclaim_usage_byte_seconds: null,
        persistentvolume_labels: null,
        persistentvolumeclaim_labels: null,
        csi_volume_handle: null,
      },
    ]);
    const labels = await readerOf().all(
      `SELECT DISTINCT node, node_labels FROM ${Reader.files(outDir, id, 'openshift_node_labels_line_items')}`,
    );
    expect(labels).toEqual([{ node: 'n1', node_labels: 'label_role:worker' }]);
  });

  it('fills the dataset month without dates, and counts days for a numeric end_date', async () => {
    const whole = baseManifest();
    delete (generatorOf(whole) as Partial<ReturnType<typeof generatorOf>>).start_date;
    delete (generatorOf(whole) as Partial<ReturnType<typeof generatorOf>>).end_date;
    const all = await generateFromManifest({ outDir: nextDir(), id, manifest: stringify(whole) });
    expect(all.rows.nodeLabels).toBe(31 * 24);

    const counted = baseManifest();
    Object.assign(generatorOf(counted), { start_date: '2025-10-10', end_date: 3 });
    const three = await generateFromManifest({ outDir: nextDir(), id, manifest: stringify(counted) });
    expect(three.rows.nodeLabels).toBe(3 * 24);
    expect(new Set(three.files.map((f) => /-(\d\d)_0\.parquet$/.exec(f)![1]))).toEqual(new Set(['10', '11', '12']));
  });

  it('ships an example whose shared volume is used by pods on two nodes', async () => {
    const outDir = nextDir();
    const result = await generateFromManifest({ outDir, id, manifest: await readFile(example, 'utf8') });
    expect(result.rows).toEqual({ pod: 5 * 744, storage: 2 * 744, nodeLabels: 2 * 744, namespaceLabels: 3 * 744 });
    const shared = await readerOf().all(`
      WITH s AS (SELECT DISTINCT persistentvolume, namespace, pod FROM ${Reader.files(outDir, id, 'openshift_storage_usage_line_items')}),
           p AS (SELECT DISTINCT namespace, pod, node FROM ${Reader.files(outDir, id, 'openshift_pod_usage_line_items')})
      SELECT persistentvolume, list(DISTINCT node ORDER BY node) AS nodes FROM s JOIN p USING (namespace, pod) GROUP BY 1`);
    expect(shared).toEqual([{ persistentvolume: 'pvc-payments-shared', nodes: ['alpha', 'beta'] }]);
  });

  describe('errors name the bad field', () => {
    async function failure(mutate: (m: Base) => void, manifestName?: string): Promise<string> {
      const m = baseManifest();
      mutate(m);
      const outDir = nextDir();
      const error = await generateFromManifest({ outDir, id, manifest: stringify(m), manifestName }).then(
        () => expect.unreachable('the manifest was accepted'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ManifestError);
      // Nothing is written for a bad manifest.
      await expect(stat(outDir)).rejects.toThrow();
      return (error as Error).message;
    }
    const pod0 = 'generators[0].OCPGenerator.nodes[0].namespaces.shop.pods[0]';

    it('a value of the wrong type', async () => {
      const message = await failure((m) => Object.assign(shopOf(m).pods[0], { cpu_request: 'lots' }), 'shop.yml');
      expect(message).toContain('invalid manifest shop.yml');
      expect(message).toContain(`${pod0}.cpu_request`);
    });

    it('a misspelt or missing key', async () => {
      const message = await failure((m) => {
        const pod = shopOf(m).pods[0] as Record<string, unknown>;
        pod.cpu_requets = pod.cpu_request;
        delete pod.cpu_request;
      });
      expect(message).toMatch(new RegExp(`${pod0.replace(/[[\].]/g, '\\$&')}: Unrecognized key.*cpu_requets`));
      expect(message).toContain(`${pod0}.cpu_request`);
    });

    it('a usage date that is not a date', async () => {
      const message = await failure((m) => Object.assign(shopOf(m).pods[0].cpu_usage!, { someday: 1 }));
      expect(message).toContain(`${pod0}.cpu_usage`);
      expect(message).toContain('full_period or a date');
    });

    it('no hours in the dataset month', async () => {
      const message = await failure((m) =>
        Object.assign(generatorOf(m), { start_date: '2025-09-28', end_date: '2025-10-01' }),
      );
      expect(message).toContain(
        'no hours in the dataset month 2025-10: generators[0].OCPGenerator (2025-09-28 until 2025-10-01)',
      );
    });

    it('an end before the start', async () => {
      const message = await failure((m) => Object.assign(generatorOf(m), { end_date: '2025-10-01' }));
      expect(message).toContain('generators[0].OCPGenerator.end_date');
    });

    it('claims larger than their volume', async () => {
      const message = await failure((m) => {
        shopOf(m).volumes[0].volume_claims![0].capacity_gig = 11;
      });
      expect(message).toContain('generators[0].OCPGenerator.nodes[0].namespaces.shop.volumes[0].volume_claims');
    });

    it('a pod named twice in one namespace', async () => {
      const message = await failure((m) => {
        shopOf(m).pods[1].pod_name = 'web-0';
      });
      expect(message).toContain('generators[0].OCPGenerator.nodes[0].namespaces.shop.pods[1].pod_name');
    });

    it('text that is not YAML', async () => {
      const error = await generateFromManifest({ outDir: nextDir(), id, manifest: 'generators: [\n  - {' }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toContain('not valid YAML');
    });
  });
});
