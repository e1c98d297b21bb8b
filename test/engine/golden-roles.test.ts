/**
 * Golden tests of node roles (docs/rules.md §3 and §8),
 * with expected values worked out by hand as in golden.test.ts.
 *
 * A (node, resource_id) the reference data has no role for gets koku's inferred one
 * (`get_nodes_query_sql`), over the run's window: the max of the pod report's non-empty node_role;
 * else master when any of its rows has namespace openshift-kube-apiserver; else infra when any
 * node-labels row of the node has node_role_kubernetes_io = infra in its raw labels; else worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, type SummaryRow } from '@ocpsum/core';
import { summarizeDataset } from '../helpers/summarize.js';
import { POD_ROW_STORAGE_NULLS, expectExactColumns, expectRows, type ExpectedRow } from '../helpers/compare.js';
import {
  makeDataset,
  nodeLabelsRow,
  podRow,
  removeDataset,
  writeNodeLabels,
  writePodUsage,
  type Dataset,
  type PodUsageRow,
} from '../helpers/parquet.js';

const G = 2 ** 30;
const H = 3600;
const APISERVER = 'openshift-kube-apiserver';

const datasets: Dataset[] = [];
afterEach(async () => {
  for (const dataset of datasets.splice(0)) await removeDataset(dataset);
});

async function dataset(): Promise<Dataset> {
  const made = await makeDataset({ year: 2025, month: 10 });
  datasets.push(made);
  return made;
}

const run = summarizeDataset;

const unallocatedOnly = (rows: SummaryRow[]) =>
  rows.filter((r) => r.namespace === 'Platform unallocated' || r.namespace === 'Worker unallocated');

/** An unallocated row's key; `platform` for master and infra nodes. */
const unallocated = (day: string, node: string, platform: boolean, values: Partial<SummaryRow> = {}): ExpectedRow => ({
  data_source: 'Pod',
  usage_start: day,
  usage_end: day,
  namespace: platform ? 'Platform unallocated' : 'Worker unallocated',
  node,
  all_labels: '{}',
  ...values,
});

/** Pod rows that use nothing: one per (node, namespace, day), for tests about roles only. */
const idle = (node: string, namespace: string, overrides: Partial<PodUsageRow> = {}) =>
  podRow({ node, namespace, pod: `${namespace}-pod`, ...overrides });

describe('golden node roles', () => {
  // ------------------------------------------------------------------------------------------
  it('R1 the apiserver namespace makes a master: "Platform unallocated", every day of the window', async () => {
    const ds = await dataset();
    // m1: 8 cores, 32 GB; w1: 2 cores, 4 GB; one hour of capacity per row.
    const m1 = { node: 'm1', resource_id: 'i-m1', node_capacity_cpu_cores: 8, node_capacity_cpu_core_seconds: 8 * H,
      node_capacity_memory_bytes: 32 * G, node_capacity_memory_byte_seconds: 32 * G * H };
    const w1 = { node: 'w1', resource_id: 'i-w1', node_capacity_cpu_cores: 2, node_capacity_cpu_core_seconds: 2 * H,
      node_capacity_memory_bytes: 4 * G, node_capacity_memory_byte_seconds: 4 * G * H };
    await writePodUsage(ds, [
      // effective cpu NULL → greatest(1800, 3600) = 3600; memory effective greatest(2, 4) = 4 GB-hours
      podRow({ ...m1, interval_start: '2025-10-01 00:00:00', namespace: APISERVER, pod: 'api-1',
        pod_usage_cpu_core_seconds: 1800, pod_request_cpu_core_seconds: 3600, pod_limit_cpu_core_seconds: 7200,
        pod_usage_memory_byte_seconds: 2 * G * H, pod_request_memory_byte_seconds: 4 * G * H }),
      // effective cpu given: 9000; memory effective greatest(1, 1) = 1
      podRow({ ...m1, interval_start: '2025-10-01 01:00:00', namespace: 'app', pod: 'web',
        pod_usage_cpu_core_seconds: 7200, pod_request_cpu_core_seconds: 3600, pod_effective_usage_cpu_core_seconds: 9000,
        pod_usage_memory_byte_seconds: G * H, pod_request_memory_byte_seconds: G * H }),
      // 10-02: no apiserver pod on m1 that day; it is a master over the window all the same
      podRow({ ...m1, interval_start: '2025-10-02 00:00:00', namespace: 'app', pod: 'web',
        pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 3600,
        pod_usage_memory_byte_seconds: G * H, pod_request_memory_byte_seconds: G * H }),
      podRow({ ...w1, interval_start: '2025-10-01 00:00:00', namespace: 'app', pod: 'batch',
        pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 0 }),
    ]);
    const result = await run(ds, { reference: { costCategories: [{ id: 4, pattern: 'Platform%' }, { id: 6, pattern: 'Worker%' }] } });
    const rows = unallocatedOnly(result.rows);
    for (const row of rows) expectExactColumns(row);
    // m1 on 10-01: capacity 2 intervals × 8 = 16 core-hours, 2 × 32 = 64 GB-hours; cluster adds w1's 2 and 4.
    const m1Day1: SummaryRow = {
      report_period_id: null,
      cluster_id: ds.source,
      cluster_alias: ds.source,
      data_source: 'Pod',
      usage_start: '2025-10-01',
      usage_end: '2025-10-01',
      namespace: 'Platform unallocated',
      node: 'm1',
      resource_id: 'i-m1',
      pod: null,
      pod_labels: null,
      pod_usage_cpu_core_hours: 16 - (1800 + 7200) / 3600, // 13.5
      pod_request_cpu_core_hours: 16 - (3600 + 3600) / 3600, // 14
      pod_effective_usage_cpu_core_hours: 16 - (3600 + 9000) / 3600, // 12.5
      pod_limit_cpu_core_hours: null,
      pod_usage_memory_gigabyte_hours: 64 - (2 + 1), // 61
      pod_request_memory_gigabyte_hours: 64 - (4 + 1), // 59
      pod_effective_usage_memory_gigabyte_hours: 64 - (4 + 1), // 59
      pod_limit_memory_gigabyte_hours: null,
      node_capacity_cpu_cores: 8,
      node_capacity_cpu_core_hours: (8 * H + 8 * H) / 3600, // 16
      node_capacity_memory_gigabytes: (32 * G) / G, // 32
      node_capacity_memory_gigabyte_hours: (32 * G * H * 2) / 3600 / G, // 64
      cluster_capacity_cpu_core_hours: 16 + 2,
      cluster_capacity_memory_gigabyte_hours: 64 + 4,
      ...POD_ROW_STORAGE_NULLS,
      source_uuid: ds.source,
      infrastructure_usage_cost: null,
      cost_category_id: 4,
      all_labels: '{}',
    };
    expectRows(rows, [
      m1Day1,
      unallocated('2025-10-02', 'm1', true, {
        resource_id: 'i-m1', cost_category_id: 4,
        pod_usage_cpu_core_hours: 8 - 1, pod_request_cpu_core_hours: 8 - 1, pod_effective_usage_cpu_core_hours: 8 - 1,
        pod_usage_memory_gigabyte_hours: 32 - 1, pod_request_memory_gigabyte_hours: 32 - 1, pod_effective_usage_memory_gigabyte_hours: 32 - 1,
        node_capacity_cpu_core_hours: 8, node_capacity_memory_gigabyte_hours: 32,
        cluster_capacity_cpu_core_hours: 8, cluster_capacity_memory_gigabyte_hours: 32 }),
      // w1: nothing says otherwise → worker; effective = greatest(1 h usage, 0 request)
      unallocated('2025-10-01', 'w1', false, {
        resource_id: 'i-w1', cost_category_id: 6,
        pod_usage_cpu_core_hours: 2 - 1, pod_request_cpu_core_hours: 2 - 0, pod_effective_usage_cpu_core_hours: 2 - 1,
        pod_usage_memory_gigabyte_hours: 4 - 0, pod_request_memory_gigabyte_hours: 4 - 0, pod_effective_usage_memory_gigabyte_hours: 4 - 0,
        node_capacity_cpu_cores: 2, node_capacity_cpu_core_hours: 2, node_capacity_memory_gigabytes: 4, node_capacity_memory_gigabyte_hours: 4,
        cluster_capacity_cpu_core_hours: 18, cluster_capacity_memory_gigabyte_hours: 68 }),
    ]);
    expect(result.counts).toEqual({ pod: 4, storage: 0, unallocated: 3 });
  });

  // ------------------------------------------------------------------------------------------
  it('R2 the node_role column: max of its non-empty values over the window, before the apiserver rule', async () => {
    const ds = await dataset();
    await writePodUsage(
      ds,
      [
        // a: the report says worker although the apiserver runs there: worker
        idle('a', APISERVER, { node_role: 'worker' }),
        // b: max('infra', 'master') = master, on different days; the NULL row counts for nothing
        idle('b', 'app', { node_role: 'infra', interval_start: '2025-10-01 00:00:00' }),
        idle('b', 'app', { node_role: 'master', interval_start: '2025-10-02 00:00:00' }),
        idle('b', 'app', { node_role: null, interval_start: '2025-10-03 00:00:00' }),
        // c: '' is no role: the apiserver makes it a master
        idle('c', APISERVER, { node_role: '' }),
        // d: worker on 10-01 only; 10-02 has the apiserver but the reported role wins over the window
        idle('d', 'app', { node_role: 'worker', interval_start: '2025-10-01 00:00:00' }),
        idle('d', APISERVER, { node_role: null, interval_start: '2025-10-02 00:00:00' }),
        // e: infra, reported
        idle('e', 'app', { node_role: 'infra' }),
      ],
      { nodeRole: 'VARCHAR' },
    );
    // f: in a file of an older operator, without the column: the apiserver rule applies
    await writePodUsage(ds, [idle('f', APISERVER)], { file: 'part-1.parquet' });
    // the infra label does not beat a reported role
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'd', node_labels: '{"node_role_kubernetes_io":"infra"}' })]);
    const result = await run(ds);
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'a', false),
      unallocated('2025-10-01', 'b', true),
      unallocated('2025-10-02', 'b', true),
      unallocated('2025-10-03', 'b', true),
      unallocated('2025-10-01', 'c', true),
      unallocated('2025-10-01', 'd', false),
      unallocated('2025-10-02', 'd', false),
      unallocated('2025-10-01', 'e', true),
      unallocated('2025-10-01', 'f', true),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('R3 the infra node label, in JSON or pipe form and not enabled as a key, in any row of the window', async () => {
    const ds = await dataset();
    await writePodUsage(ds, [
      idle('i-json', 'app'),
      idle('i-pipe', 'app'),
      idle('i-early', 'app'),
      idle('not-infra', 'app'),
      idle('later', 'app'),
      idle('api', APISERVER),
    ]);
    await writeNodeLabels(ds, [
      nodeLabelsRow({ node: 'i-json', node_labels: '{"node_role_kubernetes_io":"infra","zone":"a"}' }),
      nodeLabelsRow({ node: 'i-pipe', node_labels: 'label_zone:b|label_node_role_kubernetes_io:infra' }),
      // not the latest labels of the day: still infra
      nodeLabelsRow({ node: 'i-early', interval_start: '2025-10-01 00:00:00', node_labels: '{"node_role_kubernetes_io":"infra"}' }),
      nodeLabelsRow({ node: 'i-early', interval_start: '2025-10-01 05:00:00', node_labels: '{"zone":"c"}' }),
      nodeLabelsRow({ node: 'not-infra', node_labels: '{"node_role_kubernetes_io":"worker","node_role_kubernetes_io_infra":"infra"}' }),
      // outside the window (10-01..10-02): not seen
      nodeLabelsRow({ node: 'later', interval_start: '2025-10-03 00:00:00', node_labels: '{"node_role_kubernetes_io":"infra"}' }),
      // the apiserver rule comes first
      nodeLabelsRow({ node: 'api', node_labels: '{"node_role_kubernetes_io":"infra"}' }),
    ]);
    const result = await run(ds, { reference: { enabledKeys: ['zone'] }, endDate: '2025-10-02' });
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'i-json', true),
      unallocated('2025-10-01', 'i-pipe', true),
      unallocated('2025-10-01', 'i-early', true),
      unallocated('2025-10-01', 'not-infra', false),
      unallocated('2025-10-01', 'later', false),
      unallocated('2025-10-01', 'api', true),
    ]);
    // the label only decides the role: pod rows carry the enabled keys alone
    const podLabels = result.rows.filter((r) => r.namespace === 'app').map((r) => [r.node, r.pod_labels]);
    expect(podLabels).toEqual(
      expect.arrayContaining([
        ['i-json', '{"zone":"a"}'],
        ['i-pipe', '{"zone":"b"}'],
        ['i-early', '{"zone":"c"}'],
        ['not-infra', '{}'],
      ]),
    );
  });

  // ------------------------------------------------------------------------------------------
  it('R4 a node without any role sign is a worker: "Worker unallocated"', async () => {
    const ds = await dataset();
    const cap = { node_capacity_cpu_cores: 4, node_capacity_cpu_core_seconds: 4 * H, node_capacity_memory_bytes: 8 * G, node_capacity_memory_byte_seconds: 8 * G * H };
    await writePodUsage(ds, [
      podRow({ ...cap, node: 'w', namespace: 'openshift-monitoring', pod: 'p1', pod_usage_cpu_core_seconds: 1800, pod_request_cpu_core_seconds: 5400,
        pod_usage_memory_byte_seconds: 3 * G * H, pod_request_memory_byte_seconds: 2 * G * H }),
      podRow({ ...cap, node: 'w', namespace: 'openshift-kube-apiserver-operator', pod: 'p2', pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 1800 }),
    ]);
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'w', node_labels: '{"node_role_kubernetes_io":"Infra","kubernetes_io_os":"linux"}' })]);
    const result = await run(ds);
    // cpu: usage 0.5 + 1, request 1.5 + 0.5, effective greatest(0.5, 1.5) + greatest(1, 0.5) = 2.5
    // memory: usage 3, request 2, effective greatest(3, 2) + greatest(0, 0) = 3
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'w', false, {
        resource_id: 'i-w',
        pod_usage_cpu_core_hours: 4 - (0.5 + 1), pod_request_cpu_core_hours: 4 - (1.5 + 0.5), pod_effective_usage_cpu_core_hours: 4 - 2.5,
        pod_usage_memory_gigabyte_hours: 8 - 3, pod_request_memory_gigabyte_hours: 8 - 2, pod_effective_usage_memory_gigabyte_hours: 8 - 3,
        pod_limit_cpu_core_hours: null, pod_limit_memory_gigabyte_hours: null, pod_labels: null, infrastructure_usage_cost: null }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('R5 a role in the reference data wins over any inferred one, for its own (node, resource_id)', async () => {
    const ds = await dataset();
    await writePodUsage(
      ds,
      [
        idle('ref-w', APISERVER, { node_role: 'master' }), // reference: worker
        idle('ref-m', 'app'), // reference: master; labelled infra too
        idle('two', 'app', { resource_id: 'i-old', interval_start: '2025-10-01 00:00:00' }), // reference worker for i-old
        idle('two', APISERVER, { resource_id: 'i-new', interval_start: '2025-10-02 00:00:00' }), // i-new inferred master
      ],
      { nodeRole: 'VARCHAR' },
    );
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'ref-m', node_labels: '{"node_role_kubernetes_io":"infra"}' })]);
    const result = await run(ds, {
      reference: {
        nodeRoles: [
          { node: 'ref-w', resourceId: 'i-ref-w', role: 'worker' },
          { node: 'ref-m', resourceId: 'i-ref-m', role: 'master' },
          { node: 'two', resourceId: 'i-old', role: 'worker' },
        ],
      },
    });
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'ref-w', false),
      unallocated('2025-10-01', 'ref-m', true),
      unallocated('2025-10-01', 'two', false, { resource_id: 'i-old' }),
      unallocated('2025-10-02', 'two', true, { resource_id: 'i-new' }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('R6 a node without node labels is inferred too (koku would drop it)', async () => {
    const ds = await dataset();
    await writePodUsage(ds, [idle('labelled', 'app'), idle('bare', 'app'), idle('bare-api', APISERVER)]);
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'labelled', node_labels: '{"node_role_kubernetes_io":"infra"}' })]);
    const result = await run(ds);
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'labelled', true),
      unallocated('2025-10-01', 'bare', false),
      unallocated('2025-10-01', 'bare-api', true),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('R7 rows of an empty or NULL node get no role and no unallocated row, and lend none', async () => {
    const ds = await dataset();
    const cap = { node_capacity_cpu_core_seconds: 4 * H };
    await writePodUsage(
      ds,
      [
        podRow({ ...cap, node: '', resource_id: 'i-n1', namespace: APISERVER, node_role: 'master', pod_usage_cpu_core_seconds: 3600 }),
        podRow({ ...cap, node: null, resource_id: 'i-n1', namespace: APISERVER, node_role: 'infra', pod_usage_cpu_core_seconds: 3600 }),
        podRow({ ...cap, node: 'n1', namespace: 'app', pod_usage_cpu_core_seconds: 3600 }),
      ],
      { nodeRole: 'VARCHAR' },
    );
    await writeNodeLabels(ds, [nodeLabelsRow({ node: '', node_labels: '{"node_role_kubernetes_io":"infra"}' })]);
    const result = await run(ds);
    // n1 alone: its own rows say nothing, so worker; capacity 4 − 1 used. The cluster counts every
    // node's capacity, the empty and NULL one too: 4 + 4 + 4.
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'n1', false, { pod_usage_cpu_core_hours: 4 - 1, node_capacity_cpu_core_hours: 4, cluster_capacity_cpu_core_hours: 4 + 4 + 4 }),
    ]);
    expect(result.counts).toEqual({ pod: 1, storage: 0, unallocated: 1 });
  });

  // ------------------------------------------------------------------------------------------
  it('R8 a node_role value other than master, infra or worker gives its rows no unallocated row', async () => {
    const ds = await dataset();
    const cap = { node_capacity_cpu_core_seconds: 4 * H };
    await writePodUsage(
      ds,
      [
        podRow({ ...cap, node: 'cp', namespace: APISERVER, node_role: 'control-plane' }),
        // the same node under another resource_id, reported a worker: the row counts alone
        podRow({ ...cap, node: 'cp', resource_id: 'i-cp-2', namespace: 'app', node_role: 'worker', pod_usage_cpu_core_seconds: 3600 }),
        podRow({ ...cap, node: 'odd', namespace: 'app', node_role: 'gpu' }),
      ],
      { nodeRole: 'VARCHAR' },
    );
    const result = await run(ds);
    expectRows(unallocatedOnly(result.rows), [
      unallocated('2025-10-01', 'cp', false, { resource_id: 'i-cp-2', pod_usage_cpu_core_hours: 4 - 1 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('R9 a node_role column that is not a string is refused, naming file and column', async () => {
    const ds = await dataset();
    await writePodUsage(ds, [idle('n1', 'app', { node_role: 1 })], { nodeRole: 'DOUBLE' });
    const error = await run(ds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /openshift_pod_usage_line_items\/part-0\.parquet: column "node_role" has type DOUBLE, expected a string/,
    );
  });

  // ------------------------------------------------------------------------------------------
  it('R10 malformed node labels are refused even in a row that is not the latest of its day', async () => {
    const ds = await dataset();
    await writePodUsage(ds, [idle('n1', 'app')]);
    await writeNodeLabels(ds, [
      nodeLabelsRow({ node: 'n1', interval_start: '2025-10-01 00:00:00', node_labels: '{"zone":' }),
      nodeLabelsRow({ node: 'n1', interval_start: '2025-10-01 05:00:00', node_labels: '{"zone":"a"}' }),
    ]);
    const error = await run(ds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/openshift_node_labels_line_items\/part-0\.parquet: column "node_labels": malformed label JSON/);
  });
});
