/**
 * What the kernel writes into a partial's tables (packages/kernel/src/partial-tables.ts), read
 * straight from DuckDB: labels normalized and regrouped, capacity and node-role facts apart, rows
 * with an empty or NULL node in capacity and rows_in only, rows_in per day, infra marks from any raw
 * node label string of the day.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { InputError, runSpec } from '@ocpsum/core';
import { findInput } from '@ocpsum/input';
import { createPartial, dropPartial, openEngine, runKernel, type Engine } from '@ocpsum/kernel';
import { LocalStore, localFiles } from '@ocpsum/storage';
import {
  makeDataset,
  nodeLabelsRow,
  podRow,
  removeDataset,
  storageRow,
  writeNodeLabels,
  writePodUsage,
  writeStorageUsage,
  type Dataset,
} from '../helpers/parquet.js';

let engine: Engine;
beforeAll(async () => {
  engine = await openEngine(2);
});
afterAll(() => engine.close());

async function kernelTables(ds: Dataset, schema: string) {
  const spec = runSpec({
    org: ds.org,
    source: ds.source,
    year: ds.year,
    month: ds.month,
    reference: { enabledKeys: ['app'], costCategories: [], nodeRoles: [] },
  });
  const store = new LocalStore(ds.root);
  const files = await localFiles(store, (await findInput(store, spec)).files);
  const chunk = {
    ranges: files.map((file) => ({ file, start: 0, end: file.rows })),
    storageFiles: files.filter((f) => f.type === 'openshift_storage_usage_line_items'),
  };
  await createPartial(engine.db, schema);
  await runKernel(() => engine.connect(), chunk, spec, schema);
  return async (sql: string) => (await engine.db.runAndReadAll(sql)).getRowObjectsJson();
}

test('the kernel writes its groups into the partial tables', async () => {
  const ds = await makeDataset({ year: 2025, month: 10 });
  const schema = 'kernel_tables_test';
  try {
    const at = (h: number) => `2025-10-0${1 + Math.floor(h / 24)} ${String(h % 24).padStart(2, '0')}:00:00`;
    await writePodUsage(ds, [
      // Two raw strings with one normalized set: one pod group.
      podRow({ interval_start: at(0), pod_labels: '{"app":"web","x":"1"}', pod_usage_cpu_core_seconds: 10 }),
      podRow({ interval_start: at(1), pod_labels: 'label_app:web', pod_usage_cpu_core_seconds: 5 }),
      podRow({
        interval_start: at(0),
        node: 'n2',
        node_capacity_cpu_core_seconds: 7,
        namespace: 'openshift-kube-apiserver',
      }),
      // No node: capacity and rows_in only, and its bad-looking labels are never read.
      podRow({ interval_start: at(0), node: '', pod_labels: '{"app":', node_capacity_cpu_core_seconds: 3 }),
      podRow({ interval_start: at(24), node: null, node_capacity_cpu_core_seconds: 4 }),
    ]);
    await writeStorageUsage(ds, [
      storageRow({
        interval_start: at(0),
        persistentvolume_labels: '{"app":"db","y":"2"}',
        persistentvolumeclaim_labels: null,
      }),
      storageRow({ interval_start: at(1), persistentvolume_labels: 'label_app:db', persistentvolumeclaim_labels: '' }),
    ]);
    await writeNodeLabels(ds, [
      nodeLabelsRow({ interval_start: at(0), node_labels: '{"node_role_kubernetes_io":"infra"}' }),
      nodeLabelsRow({ interval_start: at(5), node_labels: '{"app":"a"}' }),
      nodeLabelsRow({ interval_start: at(5), node_labels: '{"app":"b"}' }),
    ]);
    const query = await kernelTables(ds, schema);

    expect(
      await query(`SELECT day, namespace, node, pod, labels, usage_cpu FROM ${schema}.pods ORDER BY node`),
    ).toEqual([
      { day: '2025-10-01', namespace: 'ns', node: 'n1', pod: null, labels: '{"app":"web"}', usage_cpu: 15 },
      { day: '2025-10-01', namespace: 'openshift-kube-apiserver', node: 'n2', pod: null, labels: '{}', usage_cpu: 0 },
    ]);
    expect(
      await query(
        `SELECT day, strftime("interval", '%H') AS h, node, cpu_core_seconds FROM ${schema}.capacity ORDER BY ALL`,
      ),
    ).toEqual([
      { day: '2025-10-01', h: '00', node: '', cpu_core_seconds: 3 },
      { day: '2025-10-01', h: '00', node: 'n1', cpu_core_seconds: 0 },
      { day: '2025-10-01', h: '00', node: 'n2', cpu_core_seconds: 7 },
      { day: '2025-10-01', h: '01', node: 'n1', cpu_core_seconds: 0 },
      { day: '2025-10-02', h: '00', node: null, cpu_core_seconds: 4 },
    ]);
    expect(
      await query(`SELECT node, resource_id, reported_role, apiserver FROM ${schema}.node_role_facts ORDER BY node`),
    ).toEqual([
      { node: 'n1', resource_id: 'i-n1', reported_role: null, apiserver: false },
      { node: 'n2', resource_id: 'i-n2', reported_role: null, apiserver: true },
    ]);
    expect(await query(`SELECT pv_labels, pvc_labels, count(*) AS n FROM ${schema}.storage GROUP BY ALL`)).toEqual([
      { pv_labels: '{"app":"db"}', pvc_labels: '{}', n: '1' },
    ]);
    expect(
      await query(`SELECT node, strftime("interval", '%H') AS h, labels FROM ${schema}.node_labels ORDER BY labels`),
    ).toEqual([
      { node: 'n1', h: '05', labels: '{"app":"a"}' },
      { node: 'n1', h: '05', labels: '{"app":"b"}' },
    ]);
    expect(await query(`SELECT day, node FROM ${schema}.infra_nodes`)).toEqual([{ day: '2025-10-01', node: 'n1' }]);
    expect(
      await query(
        `SELECT day, sum(pod) AS pod, sum(storage) AS storage, sum(node_labels) AS node_labels,
           sum(namespace_labels) AS namespace_labels FROM ${schema}.rows_in GROUP BY day ORDER BY day`,
      ),
    ).toEqual([
      { day: '2025-10-01', pod: '4', storage: '2', node_labels: '3', namespace_labels: '0' },
      { day: '2025-10-02', pod: '1', storage: '0', node_labels: '0', namespace_labels: '0' },
    ]);
  } finally {
    await dropPartial(engine.db, schema);
    await removeDataset(ds);
  }
});

test('a malformed node label string is refused even when it is not the latest, naming file and column', async () => {
  const ds = await makeDataset({ year: 2025, month: 10 });
  const schema = 'kernel_tables_bad';
  try {
    await writePodUsage(ds, [podRow()]);
    await writeNodeLabels(ds, [
      nodeLabelsRow({ interval_start: '2025-10-01 00:00:00', node_labels: '{"app": 1}' }),
      nodeLabelsRow({ interval_start: '2025-10-01 05:00:00', node_labels: '{"app":"a"}' }),
    ]);
    const error = await kernelTables(ds, schema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /openshift_node_labels_line_items\/.*part-0\.parquet: column "node_labels": label "app" must have a string value/,
    );
  } finally {
    await dropPartial(engine.db, schema);
    await removeDataset(ds);
  }
});
