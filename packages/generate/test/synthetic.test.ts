import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlString } from '@ocpsum/core';
import { generateSynthetic, type GenerateResult } from '../src/index.js';
import { Reader } from './duck.js';

// February 2025: 28 days, 672 hours. 50,000 rows → 75 pods, the last few starting late.
const id = { org: 'org1234567', source: 'c0ffee00-0000-4000-8000-000000000001', year: 2025, month: 2 };
const HOURS = 28 * 24;
const ROWS = 50_000;

let root: string;
let outDir: string;
let result: GenerateResult;
let progress: number[];
let reader: Reader;

const pods = () => Reader.files(outDir, id, 'openshift_pod_usage_line_items');
const storage = () => Reader.files(outDir, id, 'openshift_storage_usage_line_items');
const nodeLabels = () => Reader.files(outDir, id, 'openshift_node_labels_line_items');
const namespaceLabels = () => Reader.files(outDir, id, 'openshift_namespace_labels_line_items');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ocpsum-synthetic-'));
  outDir = path.join(root, 'a');
  progress = [];
  result = await generateSynthetic({ outDir, id, rows: ROWS, seed: 42, onProgress: (n) => progress.push(n) });
  reader = await Reader.open();
});

afterAll(async () => {
  reader?.close();
  await rm(root, { recursive: true, force: true });
});

describe('generateSynthetic', () => {
  it('writes exactly the requested pod rows, and reports every count truthfully', async () => {
    expect(result.rows.pod).toBe(ROWS);
    const count = async (from: string) => Number((await reader.one(`SELECT count(*)::INTEGER AS n FROM ${from}`)).n);
    expect(await count(pods())).toBe(ROWS);
    expect(await count(storage())).toBe(result.rows.storage);
    expect(await count(nodeLabels())).toBe(result.rows.nodeLabels);
    expect(await count(namespaceLabels())).toBe(result.rows.namespaceLabels);
    // Label rows: one per node (namespace) per hour of the month.
    const grid = await reader.one(
      `SELECT count(DISTINCT node)::INTEGER AS nodes, count(DISTINCT interval_start)::INTEGER AS hours,
              count(DISTINCT (node, interval_start))::INTEGER AS cells FROM ${nodeLabels()}`,
    );
    expect(grid.nodes).toBeGreaterThanOrEqual(2);
    expect(grid.hours).toBe(HOURS);
    expect(result.rows.nodeLabels).toBe(Number(grid.nodes) * HOURS);
    expect(grid.cells).toBe(result.rows.nodeLabels);
    const ns = await reader.one(`SELECT count(DISTINCT namespace)::INTEGER AS n FROM ${namespaceLabels()}`);
    expect(Number(ns.n)).toBeGreaterThanOrEqual(3);
    expect(result.rows.namespaceLabels).toBe(Number(ns.n) * HOURS);
    // Pods are hourly: no pod appears twice in an hour, and the rows span the whole month.
    const span = await reader.one(
      `SELECT count(DISTINCT (pod, interval_start))::INTEGER AS cells, min(interval_start)::VARCHAR AS first,
              max(interval_start)::VARCHAR AS last FROM ${pods()}`,
    );
    expect(span).toEqual({ cells: ROWS, first: '2025-02-01 00:00:00', last: '2025-02-28 23:00:00' });
  });

  it("lays files out in koku's masu layout, one file per report type and day", async () => {
    const onDisk = (await listFiles(outDir)).sort();
    expect([...result.files].sort()).toEqual(onDisk);
    const pattern = new RegExp(
      `^data/parquet/${id.org}/OCP/(pod_usage|storage_usage|node_labels|namespace_labels)/source=${id.source}/year=2025/month=02/2025-02-(0[1-9]|1\\d|2[0-8])_0\\.parquet$`,
    );
    for (const file of onDisk) expect(path.relative(outDir, file).split(path.sep).join('/')).toMatch(pattern);
    expect(onDisk).toHaveLength(28 * 4);
    // Every file holds only its own day.
    const misplaced = await reader.one(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(`${outDir}/data/parquet/*/OCP/*/*/*/*/*.parquet`)},
         hive_partitioning = false, filename = true)
       WHERE strftime(interval_start, '%Y-%m-%d') <> regexp_extract(filename, '\\d{4}-\\d\\d-\\d\\d')`,
    );
    expect(misplaced.n).toBe(0);
  });

  it("writes the POC's layout when asked, its storage rows under openshift_storage_usage_line_items_daily", async () => {
    const poc = await mkdtemp(path.join(os.tmpdir(), 'ocpsum-gen-poc-'));
    try {
      const written = await generateSynthetic({ outDir: poc, id, rows: 2_000, layout: 'poc' });
      const keys = written.files.map((f) => path.relative(poc, f).split(path.sep).join('/'));
      const month = `data/${id.org}/OCP/source=${id.source}/year=2025/month=02`;
      expect(keys).toContain(`${month}/day=01/openshift_pod_usage_line_items/part-0.parquet`);
      expect(keys).toContain(`${month}/day=28/openshift_storage_usage_line_items_daily/part-0.parquet`);
      expect(keys).toContain(`${month}/day=01/openshift_node_labels_line_items/part-0.parquet`);
      expect(keys).toContain(`${month}/day=01/openshift_namespace_labels_line_items/part-0.parquet`);
      expect(keys.every((k) => k.startsWith(`${month}/day=`))).toBe(true);
    } finally {
      await rm(poc, { recursive: true, force: true });
    }
  });

  it('has every column with its type', async () => {
    const describe = async (from: string) =>
      (await reader.all(`DESCRIBE SELECT * FROM ${from}`)).map((c) => `${c.column_name} ${c.column_type}`);
    expect(await describe(pods())).toEqual([
      'interval_start TIMESTAMP',
      'interval_end VARCHAR',
      'namespace VARCHAR',
      'node VARCHAR',
      'pod VARCHAR',
      'resource_id VARCHAR',
      'pod_labels VARCHAR',
      'pod_usage_cpu_core_seconds DOUBLE',
      'pod_request_cpu_core_seconds DOUBLE',
      'pod_limit_cpu_core_seconds DOUBLE',
      'pod_usage_memory_byte_seconds DOUBLE',
      'pod_request_memory_byte_seconds DOUBLE',
      'pod_limit_memory_byte_seconds DOUBLE',
      'pod_effective_usage_cpu_core_seconds DOUBLE',
      'pod_effective_usage_memory_byte_seconds DOUBLE',
      'node_capacity_cpu_cores DOUBLE',
      'node_capacity_cpu_core_seconds DOUBLE',
      'node_capacity_memory_bytes DOUBLE',
      'node_capacity_memory_byte_seconds DOUBLE',
    ]);
    expect(await describe(storage())).toEqual([
      'interval_start TIMESTAMP',
      'interval_end VARCHAR',
      'namespace VARCHAR',
      'pod VARCHAR',
      'persistentvolumeclaim VARCHAR',
      'persistentvolume VARCHAR',
      'storageclass VARCHAR',
      'persistentvolumeclaim_capacity_bytes DOUBLE',
      'persistentvolumeclaim_capacity_byte_seconds DOUBLE',
      'volume_request_storage_byte_seconds DOUBLE',
      'persistentvolumeclaim_usage_byte_seconds DOUBLE',
      'persistentvolume_labels VARCHAR',
      'persistentvolumeclaim_labels VARCHAR',
      'csi_volume_handle VARCHAR',
    ]);
    expect(await describe(nodeLabels())).toEqual([
      'interval_start TIMESTAMP',
      'interval_end VARCHAR',
      'node VARCHAR',
      'node_labels VARCHAR',
    ]);
    expect(await describe(namespaceLabels())).toEqual([
      'interval_start TIMESTAMP',
      'interval_end VARCHAR',
      'namespace VARCHAR',
      'namespace_labels VARCHAR',
    ]);
  });

  it('gives every pod 3–10 JSON labels, constant for the pod, with keys shared with namespaces and nodes', async () => {
    const perPod = await reader.all(
      `SELECT pod, count(DISTINCT pod_labels)::INTEGER AS sets, any_value(pod_labels) AS labels FROM ${pods()} GROUP BY pod`,
    );
    expect(perPod.length).toBe(Math.ceil(ROWS / HOURS));
    const podKeys = new Set<string>();
    for (const { sets, labels } of perPod) {
      expect(sets).toBe(1);
      const keys = Object.keys(JSON.parse(labels as string));
      expect(keys.length).toBeGreaterThanOrEqual(3);
      expect(keys.length).toBeLessThanOrEqual(10);
      keys.forEach((k) => podKeys.add(k));
    }
    const keysOf = async (column: string, from: string) => {
      const keys = new Set<string>();
      for (const row of await reader.all(`SELECT DISTINCT ${column} AS labels FROM ${from}`)) {
        Object.keys(JSON.parse(row.labels as string)).forEach((k) => keys.add(k));
      }
      return keys;
    };
    const namespaceKeys = await keysOf('namespace_labels', namespaceLabels());
    const nodeKeys = await keysOf('node_labels', nodeLabels());
    // Overlapping keys make label precedence (node < namespace < pod) matter.
    expect(podKeys.has('environment') && namespaceKeys.has('environment') && nodeKeys.has('environment')).toBe(true);
    expect(podKeys.has('app') && namespaceKeys.has('app')).toBe(true);
    for (const labels of await reader.all(
      `SELECT DISTINCT persistentvolume_labels AS a, persistentvolumeclaim_labels AS b FROM ${storage()}`,
    )) {
      expect(typeof JSON.parse(labels.a as string)).toBe('object');
      expect(typeof JSON.parse(labels.b as string)).toBe('object');
    }
  });

  it('keeps usage and request within the limit, and about 5% of rows without effective usage', async () => {
    const check = await reader.one(`
      SELECT
        count(*) FILTER (WHERE pod_usage_cpu_core_seconds > pod_limit_cpu_core_seconds
                            OR pod_usage_memory_byte_seconds > pod_limit_memory_byte_seconds
                            OR pod_request_cpu_core_seconds > pod_limit_cpu_core_seconds
                            OR pod_request_memory_byte_seconds > pod_limit_memory_byte_seconds
                            OR pod_usage_cpu_core_seconds <= 0 OR pod_usage_memory_byte_seconds <= 0)::INTEGER AS bad,
        count(*) FILTER (WHERE pod_effective_usage_cpu_core_seconds IS NULL)::INTEGER AS no_effective,
        count(*) FILTER (WHERE (pod_effective_usage_cpu_core_seconds IS NULL) <> (pod_effective_usage_memory_byte_seconds IS NULL)
                            OR pod_effective_usage_cpu_core_seconds < pod_usage_cpu_core_seconds
                            OR pod_effective_usage_memory_byte_seconds < pod_request_memory_byte_seconds)::INTEGER AS bad_effective,
        count(DISTINCT pod_usage_cpu_core_seconds)::INTEGER AS distinct_usage,
        count(*) FILTER (WHERE node_capacity_cpu_core_seconds <> node_capacity_cpu_cores * 3600
                            OR node_capacity_memory_byte_seconds <> node_capacity_memory_bytes * 3600
                            OR node_capacity_cpu_cores NOT BETWEEN 16 AND 64
                            OR node_capacity_memory_bytes NOT BETWEEN 64 * 2^30 AND 256 * 2^30)::INTEGER AS bad_capacity,
        count(*) FILTER (WHERE NOT regexp_matches(resource_id, '^i-0[0-9a-f]{16}$'))::INTEGER AS bad_resource_id
      FROM ${pods()}`);
    expect(check.bad).toBe(0);
    expect(check.bad_effective).toBe(0);
    expect(check.bad_capacity).toBe(0);
    expect(check.bad_resource_id).toBe(0);
    expect(Number(check.no_effective) / ROWS).toBeGreaterThan(0.03);
    expect(Number(check.no_effective) / ROWS).toBeLessThan(0.07);
    expect(Number(check.distinct_usage)).toBeGreaterThan(ROWS / 2);
    // Requests mostly fit their node.
    const fit = await reader.one(`
      SELECT avg((requested <= capacity)::INTEGER) AS share FROM (
        SELECT interval_start, node, sum(pod_request_cpu_core_seconds) AS requested,
               max(node_capacity_cpu_core_seconds) AS capacity
        FROM ${pods()} GROUP BY ALL)`);
    expect(Number(fit.share)).toBeGreaterThan(0.9);
  });

  it('has storage within capacity, a volume shared by two pods on two nodes, and a volume without a pod', async () => {
    const check = await reader.one(`
      SELECT
        count(*) FILTER (WHERE persistentvolumeclaim_usage_byte_seconds > persistentvolumeclaim_capacity_byte_seconds
                            OR volume_request_storage_byte_seconds <> persistentvolumeclaim_capacity_byte_seconds
                            OR persistentvolumeclaim_capacity_byte_seconds <> persistentvolumeclaim_capacity_bytes * 3600
                            OR persistentvolumeclaim_capacity_bytes NOT BETWEEN 10 * 2^30 AND 500 * 2^30)::INTEGER AS bad,
        count(DISTINCT interval_start)::INTEGER AS hours,
        count(*) FILTER (WHERE csi_volume_handle IS NOT NULL)::DOUBLE / count(*) AS with_handle
      FROM ${storage()}`);
    expect(check).toMatchObject({ bad: 0, hours: HOURS });
    expect(Number(check.with_handle)).toBeGreaterThan(0.5);
    const shared = await reader.all(`
      WITH s AS (SELECT DISTINCT persistentvolume, namespace, pod FROM ${storage()}),
           p AS (SELECT DISTINCT namespace, pod, node FROM ${pods()})
      SELECT persistentvolume FROM s JOIN p USING (namespace, pod)
      GROUP BY persistentvolume HAVING count(DISTINCT pod) = 2 AND count(DISTINCT node) = 2`);
    expect(shared.length).toBeGreaterThanOrEqual(1);
    const orphans = await reader.all(`
      SELECT DISTINCT namespace, pod FROM ${storage()}
      WHERE (namespace, pod) NOT IN (SELECT DISTINCT (namespace, pod) FROM ${pods()})`);
    expect(orphans).toHaveLength(1);
  });

  it('reports progress after each day, ending at the row count', () => {
    expect(progress).toHaveLength(28);
    expect(progress.at(-1)).toBe(ROWS);
    expect(progress.every((n, i) => i === 0 || n >= progress[i - 1])).toBe(true);
  });

  it('writes the same bytes for the same seed and different data for another seed', async () => {
    const again = path.join(root, 'b');
    const other = path.join(root, 'c');
    await generateSynthetic({ outDir: again, id, rows: ROWS, seed: 42 });
    await generateSynthetic({ outDir: other, id, rows: ROWS, seed: 43 });
    const bytes = async (dir: string) => {
      const files = (await listFiles(dir)).map((f) => path.relative(dir, f)).sort();
      return Promise.all(files.map(async (f) => [f, (await readFile(path.join(dir, f))).toString('base64')]));
    };
    const [a, b, c] = await Promise.all([bytes(outDir), bytes(again), bytes(other)]);
    expect(b).toEqual(a);
    expect(c.map(([f]) => f)).toEqual(a.map(([f]) => f));
    const differing = c.filter(([, content], i) => content !== a[i][1]);
    expect(differing.length).toBe(a.length);
  });

  it('writes exactly a handful of rows, leaving days without pods out', async () => {
    const tiny = path.join(root, 'tiny');
    const r = await generateSynthetic({ outDir: tiny, id, rows: 10 });
    expect(r.rows.pod).toBe(10);
    const podFiles = r.files.filter((f) => f.includes(`${path.sep}pod_usage${path.sep}`));
    expect(podFiles).toHaveLength(1);
    expect(podFiles[0]).toMatch(/2025-02-28_0\.parquet$/);
    const count = await reader.one(
      `SELECT count(*)::INTEGER AS n FROM ${Reader.files(tiny, id, 'openshift_pod_usage_line_items')}`,
    );
    expect(count.n).toBe(10);
  });

  it('fails with the file system error when it cannot write', async () => {
    const blocker = path.join(root, 'not-a-folder');
    await writeFile(blocker, 'x');
    await expect(generateSynthetic({ outDir: blocker, id, rows: 1000 })).rejects.toThrow(/ENOTDIR|EEXIST/);
  });

  it('rejects a row count or seed it cannot honour', async () => {
    const target = path.join(root, 'never');
    await expect(generateSynthetic({ outDir: target, id, rows: 0 })).rejects.toThrow(/rows/);
    await expect(generateSynthetic({ outDir: target, id, rows: 1.5 })).rejects.toThrow(/rows/);
    await expect(generateSynthetic({ outDir: target, id, rows: 10, seed: -1 })).rejects.toThrow(/seed/);
    await expect(generateSynthetic({ outDir: target, id: { ...id, month: 13 }, rows: 10 })).rejects.toThrow(/month/);
  });
});
