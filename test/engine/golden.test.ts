/**
 * Golden tests of the daily summary (docs/rules.md), with expected values worked out by hand.
 *
 * Every expected number is written as the arithmetic that produces it from the input, e.g.
 * `(1800 + 1800) / 3600` core-hours. Nothing here calls the engine to compute an expectation.
 *
 * Units (docs/rules.md §4): core-seconds ÷ 3600 → core-hours; byte-seconds ÷ 3600 × 2⁻³⁰ → GB-hours;
 * bytes × 2⁻³⁰ → GB; byte-seconds ÷ (86400 × days in month) × 2⁻³⁰ → GB-months.
 * Inputs use multiples of G = 2³⁰ bytes so that e.g. `3 * G * 3600` byte-seconds is 3 GB-hours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SummaryRow } from '@ocpsum/core';
import { summarizeDataset } from '../helpers/summarize.js';
import { POD_ROW_STORAGE_NULLS, expectExactColumns, expectRows, type ExpectedRow } from '../helpers/compare.js';
import {
  makeDataset,
  namespaceLabelsRow,
  nodeLabelsRow,
  podRow,
  removeDataset,
  storageRow,
  writeNamespaceLabels,
  writeNodeLabels,
  writePodUsage,
  writeStorageUsage,
  type Dataset,
} from '../helpers/parquet.js';

/** One gigabyte (GiB) in bytes. */
const G = 2 ** 30;
/** Seconds in an hour / a day. */
const H = 3600;
const DAY = 86400;
const COST = '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';


/** The pod columns, NULL on storage rows. */
const STORAGE_ROW_POD_NULLS = {
  pod: null,
  pod_labels: null,
  pod_usage_cpu_core_hours: null,
  pod_request_cpu_core_hours: null,
  pod_effective_usage_cpu_core_hours: null,
  pod_limit_cpu_core_hours: null,
  pod_usage_memory_gigabyte_hours: null,
  pod_request_memory_gigabyte_hours: null,
  pod_effective_usage_memory_gigabyte_hours: null,
  pod_limit_memory_gigabyte_hours: null,
  node_capacity_cpu_cores: null,
  node_capacity_cpu_core_hours: null,
  node_capacity_memory_gigabytes: null,
  node_capacity_memory_gigabyte_hours: null,
  cluster_capacity_cpu_core_hours: null,
  cluster_capacity_memory_gigabyte_hours: null,
} as const;

const datasets: Dataset[] = [];

afterEach(async () => {
  for (const dataset of datasets.splice(0)) await removeDataset(dataset);
});

async function dataset(year: number, month: number): Promise<Dataset> {
  const made = await makeDataset({ year, month });
  datasets.push(made);
  return made;
}

const run = summarizeDataset;

const byKind = (rows: SummaryRow[], kind: 'Pod' | 'Storage') => rows.filter((row) => row.data_source === kind);
const isUnallocated = (row: SummaryRow) =>
  row.namespace === 'Platform unallocated' || row.namespace === 'Worker unallocated';

/**
 * The unallocated row of a node the reference data has no role for and the data gives no sign of
 * another: its role is inferred `worker` (docs/rules.md §3), so every node of these scenarios has one per
 * day. Besides the key, the columns such a row always leaves NULL are checked, and any given here.
 */
function workerUnallocated(day: string, node: string, values: Partial<SummaryRow> = {}): ExpectedRow {
  return {
    data_source: 'Pod',
    usage_start: day,
    usage_end: day,
    namespace: 'Worker unallocated',
    node,
    all_labels: '{}',
    pod_labels: null,
    volume_labels: null,
    pod_limit_cpu_core_hours: null,
    pod_limit_memory_gigabyte_hours: null,
    infrastructure_usage_cost: null,
    ...values,
  };
}

describe('golden daily summary', () => {
  // ------------------------------------------------------------------------------------------
  it('S1 one pod, one day: every column', async () => {
    const ds = await dataset(2025, 10);
    const common = {
      namespace: 'web',
      node: 'n1',
      pod: 'web-1',
      resource_id: 'i-0abc',
      pod_labels: '{"app":"web"}',
      pod_usage_cpu_core_seconds: 1800,
      pod_request_cpu_core_seconds: 3600,
      pod_limit_cpu_core_seconds: 7200,
      pod_effective_usage_cpu_core_seconds: 3600,
      pod_usage_memory_byte_seconds: 3 * G * H,
      pod_request_memory_byte_seconds: 1 * G * H,
      pod_limit_memory_byte_seconds: 4 * G * H,
      pod_effective_usage_memory_byte_seconds: null,
      node_capacity_cpu_cores: 4,
      node_capacity_cpu_core_seconds: 4 * H,
      node_capacity_memory_bytes: 16 * G,
      node_capacity_memory_byte_seconds: 16 * G * H,
    };
    await writePodUsage(ds, [
      podRow({ ...common, interval_start: '2025-10-01 00:00:00' }),
      podRow({ ...common, interval_start: '2025-10-01 01:00:00' }),
    ]);
    const result = await run(ds, {
      clusterId: 'ocp-cluster-1',
      clusterAlias: 'My Cluster',
      reportPeriodId: 42,
      reference: { enabledKeys: ['app'], costCategories: [{ id: 3, pattern: 'web' }] },
    });
    expect(result.rows).toHaveLength(2); // the pod row and n1's unallocated row (n1 is inferred a worker)
    for (const row of result.rows) expectExactColumns(row);
    const expected: SummaryRow = {
      report_period_id: 42,
      cluster_id: 'ocp-cluster-1',
      cluster_alias: 'My Cluster',
      data_source: 'Pod',
      usage_start: '2025-10-01',
      usage_end: '2025-10-01',
      namespace: 'web',
      node: 'n1',
      resource_id: 'i-0abc',
      pod: null,
      pod_labels: '{"app":"web"}',
      pod_usage_cpu_core_hours: (1800 + 1800) / 3600, // 1
      pod_request_cpu_core_hours: (3600 + 3600) / 3600, // 2
      pod_effective_usage_cpu_core_hours: (3600 + 3600) / 3600, // 2 (the effective column is given)
      pod_limit_cpu_core_hours: (7200 + 7200) / 3600, // 4
      pod_usage_memory_gigabyte_hours: (3 + 3) * (G * H) / 3600 / G, // 6
      pod_request_memory_gigabyte_hours: (1 + 1) * (G * H) / 3600 / G, // 2
      // effective memory NULL → greatest(usage 3G·h, request 1G·h) = 3 GB-hours per row
      pod_effective_usage_memory_gigabyte_hours: 3 + 3,
      pod_limit_memory_gigabyte_hours: (4 + 4) * (G * H) / 3600 / G, // 8
      node_capacity_cpu_cores: 4,
      node_capacity_cpu_core_hours: (4 * 3600 + 4 * 3600) / 3600, // 8: two intervals of 4 cores
      node_capacity_memory_gigabytes: (16 * G) / G, // 16
      node_capacity_memory_gigabyte_hours: (16 * G * H * 2) / 3600 / G, // 32
      cluster_capacity_cpu_core_hours: 8, // one node
      cluster_capacity_memory_gigabyte_hours: 32,
      ...POD_ROW_STORAGE_NULLS,
      source_uuid: ds.source,
      infrastructure_usage_cost: COST,
      cost_category_id: 3,
      all_labels: '{"app":"web"}',
    };
    // n1 has no role in the reference data and no sign of another: worker. Its capacity minus its pod's use.
    const unallocated: SummaryRow = {
      ...expected,
      namespace: 'Worker unallocated',
      pod_labels: null,
      pod_usage_cpu_core_hours: 8 - 1,
      pod_request_cpu_core_hours: 8 - 2,
      pod_effective_usage_cpu_core_hours: 8 - 2,
      pod_limit_cpu_core_hours: null,
      pod_usage_memory_gigabyte_hours: 32 - 6,
      pod_request_memory_gigabyte_hours: 32 - 2,
      pod_effective_usage_memory_gigabyte_hours: 32 - 6,
      pod_limit_memory_gigabyte_hours: null,
      infrastructure_usage_cost: null,
      cost_category_id: null, // 'web' does not match 'Worker unallocated'
      all_labels: '{}',
    };
    expectRows(result.rows, [expected, unallocated]);
    expect(result.counts).toEqual({ pod: 1, storage: 0, unallocated: 1 });
  });

  // ------------------------------------------------------------------------------------------
  it('S2 defaults: cluster_id = source, alias = cluster_id, report_period_id NULL', async () => {
    const ds = await dataset(2025, 10);
    await writePodUsage(ds, [podRow({ pod_usage_cpu_core_seconds: 3600 })]);
    const result = await run(ds);
    expectRows(result.rows, [
      {
        data_source: 'Pod',
        usage_start: '2025-10-01',
        usage_end: '2025-10-01',
        namespace: 'ns',
        node: 'n1',
        all_labels: '{}',
        pod_labels: '{}',
        cluster_id: ds.source,
        cluster_alias: ds.source,
        source_uuid: ds.source,
        report_period_id: null,
        cost_category_id: null,
        pod_usage_cpu_core_hours: 3600 / 3600,
      },
      // capacity 0: 0 − 1 core-hour of usage; effective = greatest(usage, request 0) = 1
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - 1, pod_request_cpu_core_hours: 0,
        pod_effective_usage_cpu_core_hours: 0 - 1, node_capacity_cpu_core_hours: 0, resource_id: 'i-n1', cost_category_id: null }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S3 several namespaces, nodes and days; rows outside the month are dropped', async () => {
    const ds = await dataset(2025, 10);
    // n1: 2 cores, 8 GB; n2: 4 cores, 16 GB (one hour of capacity per row).
    const n1 = {
      node: 'n1',
      node_capacity_cpu_cores: 2,
      node_capacity_cpu_core_seconds: 2 * H,
      node_capacity_memory_bytes: 8 * G,
      node_capacity_memory_byte_seconds: 8 * G * H,
    };
    const n2 = {
      node: 'n2',
      node_capacity_cpu_cores: 4,
      node_capacity_cpu_core_seconds: 4 * H,
      node_capacity_memory_bytes: 16 * G,
      node_capacity_memory_byte_seconds: 16 * G * H,
    };
    await writePodUsage(ds, [
      podRow({ ...n1, interval_start: '2025-10-01 00:00:00', namespace: 'a', pod: 'pa1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...n1, interval_start: '2025-10-01 01:00:00', namespace: 'a', pod: 'pa1', pod_usage_cpu_core_seconds: 7200 }),
      podRow({ ...n1, interval_start: '2025-10-01 00:00:00', namespace: 'b', pod: 'pb1', pod_usage_cpu_core_seconds: 1800 }),
      podRow({ ...n2, interval_start: '2025-10-01 00:00:00', namespace: 'a', pod: 'pa2', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...n2, interval_start: '2025-10-02 05:00:00', namespace: 'b', pod: 'pb2', pod_usage_cpu_core_seconds: 10800 }),
      podRow({ ...n1, interval_start: '2025-10-02 23:00:00', namespace: 'a', pod: 'pa3', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...n1, interval_start: '2025-10-31 23:00:00', namespace: 'a', pod: 'pa1', pod_usage_cpu_core_seconds: 3600 }),
      // outside the window [2025-10-01, 2025-11-01): no rows and no capacity
      podRow({ ...n1, interval_start: '2025-11-01 00:00:00', namespace: 'a', pod: 'pa1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...n1, interval_start: '2025-09-30 23:00:00', namespace: 'a', pod: 'pa1', pod_usage_cpu_core_seconds: 3600 }),
    ]);
    const result = await run(ds);
    // Capacity: 10-01: n1 has intervals 00:00 (max(7200, 7200)) and 01:00 → 2 × 2 = 4 core-hours,
    //   n2 one interval → 4; cluster 8. Memory: n1 2 × 8 = 16, n2 16; cluster 32.
    // 10-02: n2 (05:00) 4, n1 (23:00) 2; cluster 6. Memory n2 16, n1 8; cluster 24.
    // 10-31: n1 2, cluster 2; memory 8 / 8.
    const day1 = { usage_start: '2025-10-01', usage_end: '2025-10-01', cluster_capacity_cpu_core_hours: 4 + 4, cluster_capacity_memory_gigabyte_hours: 16 + 16 };
    const day2 = { usage_start: '2025-10-02', usage_end: '2025-10-02', cluster_capacity_cpu_core_hours: 4 + 2, cluster_capacity_memory_gigabyte_hours: 16 + 8 };
    const base = { data_source: 'Pod', all_labels: '{}' } as const;
    expectRows(result.rows, [
      { ...base, ...day1, namespace: 'a', node: 'n1', pod_usage_cpu_core_hours: (3600 + 7200) / 3600, node_capacity_cpu_cores: 2, node_capacity_cpu_core_hours: (2 * H + 2 * H) / 3600, node_capacity_memory_gigabytes: 8, node_capacity_memory_gigabyte_hours: 8 + 8, resource_id: 'i-n1' },
      { ...base, ...day1, namespace: 'b', node: 'n1', pod_usage_cpu_core_hours: 1800 / 3600, node_capacity_cpu_core_hours: 4, node_capacity_memory_gigabyte_hours: 16 },
      { ...base, ...day1, namespace: 'a', node: 'n2', pod_usage_cpu_core_hours: 3600 / 3600, node_capacity_cpu_cores: 4, node_capacity_cpu_core_hours: 4, node_capacity_memory_gigabytes: 16, node_capacity_memory_gigabyte_hours: 16, resource_id: 'i-n2' },
      { ...base, ...day2, namespace: 'b', node: 'n2', pod_usage_cpu_core_hours: 10800 / 3600, node_capacity_cpu_core_hours: 4, node_capacity_memory_gigabyte_hours: 16 },
      { ...base, ...day2, namespace: 'a', node: 'n1', pod_usage_cpu_core_hours: 3600 / 3600, node_capacity_cpu_core_hours: 2, node_capacity_memory_gigabyte_hours: 8 },
      { ...base, usage_start: '2025-10-31', usage_end: '2025-10-31', namespace: 'a', node: 'n1', pod_usage_cpu_core_hours: 1, node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2, cluster_capacity_memory_gigabyte_hours: 8 },
      // every (node, day): capacity minus the day's usage
      workerUnallocated('2025-10-01', 'n1', { ...day1, pod_usage_cpu_core_hours: 4 - (3600 + 7200 + 1800) / 3600, node_capacity_cpu_core_hours: 4, node_capacity_memory_gigabyte_hours: 16, resource_id: 'i-n1' }),
      workerUnallocated('2025-10-01', 'n2', { ...day1, pod_usage_cpu_core_hours: 4 - 1, node_capacity_cpu_core_hours: 4, node_capacity_memory_gigabyte_hours: 16, resource_id: 'i-n2' }),
      workerUnallocated('2025-10-02', 'n2', { ...day2, pod_usage_cpu_core_hours: 4 - 3, node_capacity_cpu_core_hours: 4 }),
      workerUnallocated('2025-10-02', 'n1', { ...day2, pod_usage_cpu_core_hours: 2 - 1, node_capacity_cpu_core_hours: 2 }),
      workerUnallocated('2025-10-31', 'n1', { pod_usage_cpu_core_hours: 2 - 1, node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2 }),
    ]);
    expect(result.counts).toEqual({ pod: 6, storage: 0, unallocated: 5 });
  });

  // ------------------------------------------------------------------------------------------
  it('S4 label precedence: pod over namespace over node; the latest interval of the day wins', async () => {
    const ds = await dataset(2025, 10);
    await writeNodeLabels(ds, [
      // written latest-first so file order cannot be what decides
      nodeLabelsRow({ interval_start: '2025-10-01 05:00:00', node: 'n1', node_labels: '{"env":"node","team":"nodeteam","zone":"z1"}' }),
      nodeLabelsRow({ interval_start: '2025-10-01 00:00:00', node: 'n1', node_labels: '{"zone":"old-zone","extra":"e"}' }),
      nodeLabelsRow({ interval_start: '2025-10-02 00:00:00', node: 'n1', node_labels: '{"zone":"z2"}' }),
    ]);
    await writeNamespaceLabels(ds, [
      namespaceLabelsRow({ interval_start: '2025-10-01 01:00:00', namespace: 'shop', namespace_labels: '{"team":"old-team","zone":"ns-zone"}' }),
      namespaceLabelsRow({ interval_start: '2025-10-01 03:00:00', namespace: 'shop', namespace_labels: '{"env":"ns","team":"nsteam"}' }),
      // no namespace labels on 10-02
    ]);
    await writePodUsage(ds, [
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'shop', node: 'n1', pod: 'p1', pod_labels: '{"env":"pod"}', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ interval_start: '2025-10-01 01:00:00', namespace: 'shop', node: 'n1', pod: 'p1', pod_labels: '{"env":"pod"}', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'shop', node: 'n1', pod: 'p2', pod_labels: '', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'shop', node: 'n2', pod: 'p3', pod_labels: '{"team":"podteam"}', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ interval_start: '2025-10-02 00:00:00', namespace: 'shop', node: 'n1', pod: 'p1', pod_labels: '{"env":"pod"}', pod_usage_cpu_core_seconds: 3600 }),
    ]);
    const result = await run(ds, { reference: { enabledKeys: ['env', 'team', 'zone', 'extra'] } });
    // 10-01 n1 node labels = the 05:00 set {env:node, team:nodeteam, zone:z1} (the 00:00 set, with
    // zone old-zone and extra, loses whole); shop's labels = the 03:00 set {env:ns, team:nsteam}
    // (the 01:00 set with zone ns-zone loses whole).
    const d1 = { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'shop' } as const;
    expectRows(result.rows, [
      // p1: node → ns (env ns, team nsteam) → pod (env pod)
      { ...d1, node: 'n1', all_labels: '{"env":"pod","team":"nsteam","zone":"z1"}', pod_labels: '{"env":"pod","team":"nsteam","zone":"z1"}', pod_usage_cpu_core_hours: (3600 + 3600) / 3600 },
      // p2 has no labels of its own
      { ...d1, node: 'n1', all_labels: '{"env":"ns","team":"nsteam","zone":"z1"}', pod_labels: '{"env":"ns","team":"nsteam","zone":"z1"}', pod_usage_cpu_core_hours: 1 },
      // n2 has no node labels
      { ...d1, node: 'n2', all_labels: '{"env":"ns","team":"podteam"}', pod_labels: '{"env":"ns","team":"podteam"}', pod_usage_cpu_core_hours: 1 },
      // 10-02: node labels of that day only, no namespace labels that day
      { data_source: 'Pod', usage_start: '2025-10-02', namespace: 'shop', node: 'n1', all_labels: '{"env":"pod","zone":"z2"}', pod_labels: '{"env":"pod","zone":"z2"}', pod_usage_cpu_core_hours: 1 },
      // unallocated rows carry no labels; capacity 0 minus the usage
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - 3 }),
      workerUnallocated('2025-10-01', 'n2', { pod_usage_cpu_core_hours: 0 - 1 }),
      workerUnallocated('2025-10-02', 'n1', { pod_usage_cpu_core_hours: 0 - 1 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S5 label tie at the same latest interval: the larger compact JSON wins, rows never multiply', async () => {
    const ds = await dataset(2025, 10);
    await writeNodeLabels(ds, [
      nodeLabelsRow({ interval_start: '2025-10-01 02:00:00', node: 'n1', node_labels: '{"zone":"a"}' }),
      nodeLabelsRow({ interval_start: '2025-10-01 02:00:00', node: 'n1', node_labels: '{"zone":"b"}' }),
      nodeLabelsRow({ interval_start: '2025-10-01 00:00:00', node: 'n1', node_labels: '{"zone":"c"}' }), // larger but earlier
    ]);
    await writeNamespaceLabels(ds, [
      namespaceLabelsRow({ interval_start: '2025-10-01 02:00:00', namespace: 'ns', namespace_labels: '{"team":"y"}' }),
      namespaceLabelsRow({ interval_start: '2025-10-01 02:00:00', namespace: 'ns', namespace_labels: '{"team":"x"}' }),
    ]);
    await writePodUsage(ds, [podRow({ pod_usage_cpu_core_seconds: 3600 })]);
    const result = await run(ds, { reference: { enabledKeys: ['zone', 'team'] } });
    expectRows(result.rows, [
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'ns', node: 'n1', all_labels: '{"team":"y","zone":"b"}', pod_usage_cpu_core_hours: 3600 / 3600 },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - 1 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S6 labels with quotes, backslashes, unicode and colons, in JSON and pipe forms', async () => {
    const ds = await dataset(2025, 10);
    const jsonLabels = String.raw`{"quote":"say \"hi\"","back":"C:\\dir\\x","uni":"Grüße ☃ 日本","url":"http://a:b/c","app.kubernetes.io/name":"x:y","notenabled":"z"}`;
    // pipe: split on |, split each part at its first ':', drop a leading label_, ignore parts without ':'
    const pipeLabels = String.raw`label_k:v|label_x:a:b|junk|label_url:http://h:80/p|app:plain|label_q:say "hi"|label_b:a\b|label_notenabled:q`;
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'n1', node_labels: 'label_zone:us-east:1a|label_notenabled:q' })]);
    await writePodUsage(ds, [
      podRow({ namespace: 'json-ns', pod: 'p1', pod_labels: jsonLabels, pod_usage_cpu_core_seconds: 3600 }),
      podRow({ namespace: 'pipe-ns', pod: 'p2', pod_labels: pipeLabels, pod_usage_cpu_core_seconds: 7200 }),
    ]);
    const result = await run(ds, {
      reference: { enabledKeys: ['quote', 'back', 'uni', 'url', 'app.kubernetes.io/name', 'k', 'x', 'app', 'q', 'b', 'zone'] },
    });
    const jsonExpected = String.raw`{"app.kubernetes.io/name":"x:y","back":"C:\\dir\\x","quote":"say \"hi\"","uni":"Grüße ☃ 日本","url":"http://a:b/c","zone":"us-east:1a"}`;
    const pipeExpected = String.raw`{"app":"plain","b":"a\\b","k":"v","q":"say \"hi\"","url":"http://h:80/p","x":"a:b","zone":"us-east:1a"}`;
    // sanity check of the hand-written literals themselves
    expect(JSON.parse(jsonExpected)).toEqual({
      'app.kubernetes.io/name': 'x:y',
      back: 'C:\\dir\\x',
      quote: 'say "hi"',
      uni: 'Grüße ☃ 日本',
      url: 'http://a:b/c',
      zone: 'us-east:1a',
    });
    expect(JSON.parse(pipeExpected)).toEqual({
      app: 'plain',
      b: 'a\\b',
      k: 'v',
      q: 'say "hi"',
      url: 'http://h:80/p',
      x: 'a:b',
      zone: 'us-east:1a',
    });
    expectRows(result.rows, [
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'json-ns', node: 'n1', all_labels: jsonExpected, pod_labels: jsonExpected, pod_usage_cpu_core_hours: 1 },
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'pipe-ns', node: 'n1', all_labels: pipeExpected, pod_labels: pipeExpected, pod_usage_cpu_core_hours: 2 },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - (1 + 2) }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it("S7 empty and null labels ('', NULL, '{}') are the same empty set", async () => {
    const ds = await dataset(2025, 10);
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'n1', node_labels: '' })]);
    await writeNamespaceLabels(ds, [namespaceLabelsRow({ namespace: 'e', namespace_labels: null })]);
    await writePodUsage(ds, [
      podRow({ namespace: 'e', pod: 'p1', pod_labels: '', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ namespace: 'e', pod: 'p2', pod_labels: null, pod_usage_cpu_core_seconds: 7200 }),
      podRow({ namespace: 'e', pod: 'p3', pod_labels: '{}', pod_usage_cpu_core_seconds: 10800 }),
      podRow({ namespace: 'e', pod: 'p4', pod_labels: '{"other":"x"}', pod_usage_cpu_core_seconds: 3600 }), // disabled key only
    ]);
    const result = await run(ds, { reference: { enabledKeys: ['app'] } });
    expectRows(result.rows, [
      {
        data_source: 'Pod',
        usage_start: '2025-10-01',
        namespace: 'e',
        node: 'n1',
        all_labels: '{}',
        pod_labels: '{}',
        volume_labels: null,
        pod_usage_cpu_core_hours: (3600 + 7200 + 10800 + 3600) / 3600, // 7: one group
      },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - 7 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S8 disabled keys are dropped (sets that become equal merge); vm_kubevirt_io_name is always kept', async () => {
    const ds = await dataset(2025, 10);
    await writeNodeLabels(ds, [nodeLabelsRow({ node: 'n1', node_labels: '{"kubernetes_io_hostname":"n1"}' })]);
    await writePodUsage(ds, [
      podRow({ namespace: 'vm', pod: 'p1', pod_labels: '{"app":"a","secret":"s1"}', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ namespace: 'vm', pod: 'p2', pod_labels: '{"app":"a","pod_template_hash":"h2"}', pod_usage_cpu_core_seconds: 7200 }),
      podRow({ namespace: 'vm', pod: 'p3', pod_labels: '{"vm_kubevirt_io_name":"vm1","foo":"bar"}', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ namespace: 'vm', pod: 'p4', pod_labels: 'label_vm_kubevirt_io_name:vm2|label_foo:bar', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ namespace: 'vm', pod: 'p5', pod_labels: '{"secret":"z"}', pod_usage_cpu_core_seconds: 1800 }),
    ]);
    const result = await run(ds, { reference: { enabledKeys: ['app'] } });
    const base = { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'vm', node: 'n1' } as const;
    expectRows(result.rows, [
      { ...base, all_labels: '{"app":"a"}', pod_labels: '{"app":"a"}', pod_usage_cpu_core_hours: (3600 + 7200) / 3600 },
      { ...base, all_labels: '{"vm_kubevirt_io_name":"vm1"}', pod_usage_cpu_core_hours: 1 },
      { ...base, all_labels: '{"vm_kubevirt_io_name":"vm2"}', pod_usage_cpu_core_hours: 1 },
      { ...base, all_labels: '{}', pod_labels: '{}', pod_usage_cpu_core_hours: 1800 / 3600 },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - (3600 + 7200 + 3600 + 3600 + 1800) / 3600 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S9 effective usage = sum of coalesce(effective, greatest(usage, request)) with SQL NULLs', async () => {
    const ds = await dataset(2025, 10);
    const p = { namespace: 'eff', pod: 'p1', pod_limit_cpu_core_seconds: null, pod_limit_memory_byte_seconds: null };
    await writePodUsage(ds, [
      // cpu: eff NULL → greatest(3600, 7200) = 7200. memory: eff NULL, request NULL → greatest(…, NULL) = NULL
      podRow({ ...p, interval_start: '2025-10-01 00:00:00',
        pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 7200, pod_effective_usage_cpu_core_seconds: null,
        pod_usage_memory_byte_seconds: G * H, pod_request_memory_byte_seconds: null, pod_effective_usage_memory_byte_seconds: null,
        pod_limit_memory_byte_seconds: 2 * G * H }),
      // cpu: request NULL → greatest NULL → skipped. memory: usage NULL → NULL
      podRow({ ...p, interval_start: '2025-10-01 01:00:00',
        pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: null, pod_effective_usage_cpu_core_seconds: null,
        pod_usage_memory_byte_seconds: null, pod_request_memory_byte_seconds: G * H, pod_effective_usage_memory_byte_seconds: null }),
      // cpu: only the effective column → 1800. memory: all NULL
      podRow({ ...p, interval_start: '2025-10-01 02:00:00',
        pod_usage_cpu_core_seconds: null, pod_request_cpu_core_seconds: null, pod_effective_usage_cpu_core_seconds: 1800,
        pod_usage_memory_byte_seconds: null, pod_request_memory_byte_seconds: null, pod_effective_usage_memory_byte_seconds: null }),
      // cpu: effective given (1800) wins over greatest(3600, 7200) even though smaller. memory: all NULL
      podRow({ ...p, interval_start: '2025-10-01 03:00:00',
        pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 7200, pod_effective_usage_cpu_core_seconds: 1800,
        pod_usage_memory_byte_seconds: null, pod_request_memory_byte_seconds: null, pod_effective_usage_memory_byte_seconds: null }),
    ]);
    const result = await run(ds);
    expectRows(result.rows, [
      {
        data_source: 'Pod', usage_start: '2025-10-01', namespace: 'eff', node: 'n1', all_labels: '{}',
        pod_usage_cpu_core_hours: (3600 + 3600 + 3600) / 3600, // 3: NULL skipped
        pod_request_cpu_core_hours: (7200 + 7200) / 3600, // 4
        pod_effective_usage_cpu_core_hours: (7200 + 1800 + 1800) / 3600, // 3
        pod_limit_cpu_core_hours: null, // only NULLs
        pod_usage_memory_gigabyte_hours: (G * H) / 3600 / G, // 1
        pod_request_memory_gigabyte_hours: (G * H) / 3600 / G, // 1
        pod_effective_usage_memory_gigabyte_hours: null, // every term NULL
        pod_limit_memory_gigabyte_hours: (2 * G * H) / 3600 / G, // 2
      },
      // capacity 0 minus the sums; 0 − NULL is NULL
      workerUnallocated('2025-10-01', 'n1', {
        pod_usage_cpu_core_hours: 0 - 3, pod_request_cpu_core_hours: 0 - 4, pod_effective_usage_cpu_core_hours: 0 - 3,
        pod_usage_memory_gigabyte_hours: 0 - 1, pod_request_memory_gigabyte_hours: 0 - 1, pod_effective_usage_memory_gigabyte_hours: null }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S10 no effective-usage columns in the file: effective = greatest(usage, request)', async () => {
    const ds = await dataset(2025, 10);
    const p = { namespace: 'noeff', pod: 'p1' };
    await writePodUsage(
      ds,
      [
        podRow({ ...p, interval_start: '2025-10-01 00:00:00', pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 7200,
          pod_usage_memory_byte_seconds: G * H, pod_request_memory_byte_seconds: 2 * G * H }),
        podRow({ ...p, interval_start: '2025-10-01 01:00:00', pod_usage_cpu_core_seconds: 10800, pod_request_cpu_core_seconds: 3600,
          pod_usage_memory_byte_seconds: 3 * G * H, pod_request_memory_byte_seconds: G * H }),
        podRow({ ...p, interval_start: '2025-10-01 02:00:00', pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: null,
          pod_usage_memory_byte_seconds: null, pod_request_memory_byte_seconds: null }),
      ],
      { effective: false },
    );
    const result = await run(ds);
    expectRows(result.rows, [
      {
        data_source: 'Pod', usage_start: '2025-10-01', namespace: 'noeff', node: 'n1', all_labels: '{}',
        pod_usage_cpu_core_hours: (3600 + 10800 + 3600) / 3600, // 5
        pod_request_cpu_core_hours: (7200 + 3600) / 3600, // 3
        pod_effective_usage_cpu_core_hours: (7200 + 10800) / 3600, // 5 (third row: greatest(3600, NULL) = NULL)
        pod_usage_memory_gigabyte_hours: 1 + 3,
        pod_request_memory_gigabyte_hours: 2 + 1,
        pod_effective_usage_memory_gigabyte_hours: 2 + 3, // greatest(1, 2) + greatest(3, 1)
      },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - 5, pod_effective_usage_cpu_core_hours: 0 - 5, pod_effective_usage_memory_gigabyte_hours: 0 - 5 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S11 capacity: max per (interval, node), summed over the day; cores = max per group', async () => {
    const ds = await dataset(2025, 10);
    const cap = (cores: number, gb: number) => ({
      node_capacity_cpu_cores: cores,
      node_capacity_cpu_core_seconds: cores * H,
      node_capacity_memory_bytes: gb * G,
      node_capacity_memory_byte_seconds: gb * G * H,
    });
    await writePodUsage(ds, [
      podRow({ interval_start: '2025-10-01 00:00:00', node: 'n1', namespace: 'a', pod: 'p1', ...cap(4, 16) }),
      podRow({ interval_start: '2025-10-01 00:00:00', node: 'n1', namespace: 'a', pod: 'p2', ...cap(4, 16) }),
      podRow({ interval_start: '2025-10-01 00:00:00', node: 'n1', namespace: 'b', pod: 'p3', ...cap(3, 8) }),
      podRow({ interval_start: '2025-10-01 01:00:00', node: 'n1', namespace: 'a', pod: 'p1', ...cap(4, 16) }),
      podRow({ interval_start: '2025-10-01 02:00:00', node: 'n1', namespace: 'a', pod: 'p2', ...cap(2, 8) }),
      podRow({ interval_start: '2025-10-01 00:00:00', node: 'n2', namespace: 'a', pod: 'p4', ...cap(2, 4) }),
    ]);
    const result = await run(ds);
    // n1: 00:00 max(4h, 4h, 3h) = 4 core-hours, 01:00 4, 02:00 2 → 10; memory 16 + 16 + 8 = 40.
    // n2: 2 core-hours, 4 GB-hours. Cluster: 10 + 2 = 12 core-hours, 40 + 4 = 44 GB-hours.
    const base = { data_source: 'Pod', usage_start: '2025-10-01', all_labels: '{}', cluster_capacity_cpu_core_hours: 10 + 2, cluster_capacity_memory_gigabyte_hours: 40 + 4 } as const;
    expectRows(result.rows, [
      { ...base, namespace: 'a', node: 'n1', node_capacity_cpu_cores: 4, node_capacity_memory_gigabytes: 16,
        node_capacity_cpu_core_hours: (4 * H + 4 * H + 2 * H) / 3600, node_capacity_memory_gigabyte_hours: (16 + 16 + 8) * G * H / 3600 / G },
      { ...base, namespace: 'b', node: 'n1', node_capacity_cpu_cores: 3, node_capacity_memory_gigabytes: 8,
        node_capacity_cpu_core_hours: 10, node_capacity_memory_gigabyte_hours: 40 },
      { ...base, namespace: 'a', node: 'n2', node_capacity_cpu_cores: 2, node_capacity_memory_gigabytes: 4,
        node_capacity_cpu_core_hours: 2, node_capacity_memory_gigabyte_hours: 4 },
      // no usage: unallocated = the whole capacity; cores and GB the max over the node's rows
      workerUnallocated('2025-10-01', 'n1', { ...base, namespace: 'Worker unallocated', all_labels: '{}', node_capacity_cpu_cores: 4, node_capacity_memory_gigabytes: 16,
        node_capacity_cpu_core_hours: 10, node_capacity_memory_gigabyte_hours: 40,
        pod_usage_cpu_core_hours: 10 - 0, pod_request_cpu_core_hours: 10 - 0, pod_effective_usage_cpu_core_hours: 10 - 0,
        pod_usage_memory_gigabyte_hours: 40 - 0, pod_request_memory_gigabyte_hours: 40 - 0, pod_effective_usage_memory_gigabyte_hours: 40 - 0 }),
      workerUnallocated('2025-10-01', 'n2', { ...base, namespace: 'Worker unallocated', all_labels: '{}', node_capacity_cpu_cores: 2, node_capacity_memory_gigabytes: 4,
        node_capacity_cpu_core_hours: 2, node_capacity_memory_gigabyte_hours: 4, pod_usage_cpu_core_hours: 2, pod_usage_memory_gigabyte_hours: 4 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S12 empty or NULL node: no pod row, capacity counted in the cluster, no volume mapping', async () => {
    const ds = await dataset(2025, 10);
    await writePodUsage(ds, [
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'a', node: 'n1', pod: 'p1', pod_usage_cpu_core_seconds: 3600,
        node_capacity_cpu_cores: 4, node_capacity_cpu_core_seconds: 4 * H, node_capacity_memory_bytes: 16 * G, node_capacity_memory_byte_seconds: 16 * G * H }),
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'a', node: '', pod: 'p2', pod_usage_cpu_core_seconds: 3600,
        node_capacity_cpu_core_seconds: 1 * H, node_capacity_memory_byte_seconds: 1 * G * H }),
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'b', node: '', pod: 'p3', pod_usage_cpu_core_seconds: 3600,
        node_capacity_cpu_core_seconds: 0.5 * H, node_capacity_memory_byte_seconds: 0.5 * G * H }),
      podRow({ interval_start: '2025-10-01 01:00:00', namespace: 'a', node: null, pod: 'p4', pod_usage_cpu_core_seconds: 3600,
        node_capacity_cpu_core_seconds: 2 * H, node_capacity_memory_byte_seconds: 2 * G * H }),
    ]);
    // p2 ran only on the empty node: its volume finds no node.
    await writeStorageUsage(ds, [
      storageRow({ namespace: 'a', pod: 'p2', persistentvolumeclaim: 'c2', persistentvolume: 'pv-empty',
        persistentvolumeclaim_capacity_bytes: G, persistentvolumeclaim_capacity_byte_seconds: G * DAY * 31,
        volume_request_storage_byte_seconds: G * DAY, persistentvolumeclaim_usage_byte_seconds: G * DAY }),
    ]);
    const result = await run(ds);
    // cluster cpu: n1 4 + '' at 00:00 max(1, 0.5) = 1 + NULL node at 01:00 2 → 7 core-hours; memory 16 + 1 + 2 = 19.
    expectRows(result.rows, [
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'a', node: 'n1', all_labels: '{}',
        pod_usage_cpu_core_hours: 1, node_capacity_cpu_core_hours: 4, node_capacity_memory_gigabyte_hours: 16,
        cluster_capacity_cpu_core_hours: (4 * H + 1 * H + 2 * H) / 3600, cluster_capacity_memory_gigabyte_hours: 16 + 1 + 2 },
      { data_source: 'Storage', usage_start: '2025-10-01', namespace: 'a', node: null, resource_id: null, all_labels: '{}',
        persistentvolumeclaim: 'c2', persistentvolume: 'pv-empty',
        persistentvolumeclaim_capacity_gigabyte: 1,
        persistentvolumeclaim_capacity_gigabyte_months: (G * DAY * 31) / (86400 * 31) / G, // 1
        volume_request_storage_gigabyte_months: null, // the PV has no node that day
        persistentvolumeclaim_usage_gigabyte_months: null },
      // n1 only: the rows of the empty and NULL node have no unallocated row
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 4 - 1, node_capacity_cpu_core_hours: 4,
        cluster_capacity_cpu_core_hours: 4 + 1 + 2, cluster_capacity_memory_gigabyte_hours: 16 + 1 + 2 }),
    ]);
    expect(result.counts).toEqual({ pod: 1, storage: 1, unallocated: 1 });
  });

  // ------------------------------------------------------------------------------------------
  it('S13 cost categories: LIKE with % and _, whole string, case-sensitive, max id, no match NULL', async () => {
    const ds = await dataset(2025, 10);
    const namespaces: [string, number | null][] = [
      ['openshift-console', 5], // matches 1 (openshift-%), 5 (openshift-_onsole), 3 (%console) → max 5
      ['openshift-monitoring', 1], // only openshift-%
      ['openshift-xxconsole', 3], // 1 and 3; '_' is exactly one character, so not 5
      ['openshift-', 1], // % matches the empty run
      ['kube-system', 2],
      ['kube-systems', null], // whole string must match
      ['myconsole', 3],
      ['OpenShift-Console', null], // case-sensitive
      ['default', null],
    ];
    await writePodUsage(ds, namespaces.map(([namespace], i) => podRow({ namespace, pod: `p${i}`, pod_usage_cpu_core_seconds: 3600 })));
    await writeStorageUsage(ds, [storageRow({ namespace: 'openshift-console', pod: 'p0' })]);
    const result = await run(ds, {
      reference: {
        costCategories: [
          { id: 1, pattern: 'openshift-%' },
          { id: 5, pattern: 'openshift-_onsole' },
          { id: 3, pattern: '%console' },
          { id: 2, pattern: 'kube-system' },
        ],
      },
    });
    expectRows(result.rows, [
      ...namespaces.map(([namespace, id]): ExpectedRow => ({
        data_source: 'Pod', usage_start: '2025-10-01', namespace, node: 'n1', all_labels: '{}',
        cost_category_id: id,
        pod_usage_cpu_core_hours: 3600 / 3600, // several matches never multiply rows
      })),
      { data_source: 'Storage', usage_start: '2025-10-01', namespace: 'openshift-console', node: 'n1', all_labels: '{}',
        persistentvolumeclaim: 'pvc1', persistentvolume: 'pv1', cost_category_id: 5 },
      // no pattern matches 'Worker unallocated'
      workerUnallocated('2025-10-01', 'n1', { cost_category_id: null, pod_usage_cpu_core_hours: 0 - namespaces.length }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S14 storage: a volume shared by two nodes splits request/usage by node_count, not capacity', async () => {
    const ds = await dataset(2025, 10); // October: 31 days
    await writeNodeLabels(ds, [
      nodeLabelsRow({ node: 'n1', node_labels: '{"zone":"a","tier":"node"}' }),
      nodeLabelsRow({ node: 'n2', node_labels: '{"zone":"b","tier":"node"}' }),
    ]);
    await writeNamespaceLabels(ds, [namespaceLabelsRow({ namespace: 'db', namespace_labels: '{"tier":"ns"}' })]);
    await writePodUsage(ds, [
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'db', node: 'n1', pod: 'p1' }),
      podRow({ interval_start: '2025-10-01 01:00:00', namespace: 'db', node: 'n1', pod: 'p1' }),
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'db', node: 'n2', pod: 'p2' }),
    ]);
    const volume = {
      interval_start: '2025-10-01 00:00:00',
      namespace: 'db',
      persistentvolumeclaim: 'data',
      persistentvolume: 'pv-shared',
      storageclass: 'gp3',
      csi_volume_handle: 'vol-s',
      persistentvolumeclaim_capacity_bytes: 10 * G,
      persistentvolumeclaim_capacity_byte_seconds: 10 * G * DAY,
      volume_request_storage_byte_seconds: 8 * G * DAY,
      persistentvolumeclaim_usage_byte_seconds: 4 * G * DAY,
      persistentvolume_labels: '{"disk":"ssd","tier":"pv"}',
      persistentvolumeclaim_labels: '{"tier":"pvc"}',
    };
    await writeStorageUsage(ds, [storageRow({ ...volume, pod: 'p1' }), storageRow({ ...volume, pod: 'p2' })]);
    const result = await run(ds, { reference: { enabledKeys: ['zone', 'tier', 'disk'] } });
    const storage = {
      ...STORAGE_ROW_POD_NULLS,
      data_source: 'Storage',
      usage_start: '2025-10-01',
      usage_end: '2025-10-01',
      namespace: 'db',
      persistentvolumeclaim: 'data',
      persistentvolume: 'pv-shared',
      storageclass: 'gp3',
      csi_volume_handle: 'vol-s',
      persistentvolumeclaim_capacity_gigabyte: 10,
      persistentvolumeclaim_capacity_gigabyte_months: (10 * G * DAY) / (86400 * 31) / G, // 10/31, not split
      volume_request_storage_gigabyte_months: (8 * G * DAY) / 2 / (86400 * 31) / G, // 4/31
      persistentvolumeclaim_usage_gigabyte_months: (4 * G * DAY) / 2 / (86400 * 31) / G, // 2/31
      infrastructure_usage_cost: COST,
      cost_category_id: null,
      source_uuid: ds.source,
    } as const;
    // volume labels: node, then namespace, then PV, then PVC (tier: node → ns → pv → pvc)
    const labelsA = '{"disk":"ssd","tier":"pvc","zone":"a"}';
    const labelsB = '{"disk":"ssd","tier":"pvc","zone":"b"}';
    expectRows(result.rows, [
      { ...storage, node: 'n1', resource_id: 'i-n1', volume_labels: labelsA, all_labels: labelsA },
      { ...storage, node: 'n2', resource_id: 'i-n2', volume_labels: labelsB, all_labels: labelsB },
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'db', node: 'n1', all_labels: '{"tier":"ns","zone":"a"}', ...POD_ROW_STORAGE_NULLS },
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'db', node: 'n2', all_labels: '{"tier":"ns","zone":"b"}', ...POD_ROW_STORAGE_NULLS },
      workerUnallocated('2025-10-01', 'n1', { ...POD_ROW_STORAGE_NULLS }),
      workerUnallocated('2025-10-01', 'n2', { ...POD_ROW_STORAGE_NULLS }),
    ]);
    expect(result.counts).toEqual({ pod: 2, storage: 2, unallocated: 2 });
  });

  // ------------------------------------------------------------------------------------------
  it('S15 storage without a matching pod: node NULL; request/usage NULL when the PV has no node', async () => {
    const ds = await dataset(2025, 10);
    await writeNamespaceLabels(ds, [namespaceLabelsRow({ namespace: 'db', namespace_labels: '{"tier":"ns","zone":"ns-zone"}' })]);
    await writePodUsage(ds, [
      podRow({ namespace: 'db', node: 'n1', pod: 'p1' }),
      podRow({ namespace: 'db', node: 'n1', pod: '' }), // an empty pod name never matches a volume
    ]);
    const numbers = (capacityGb: number, requestGb: number, usageGb: number) => ({
      persistentvolumeclaim_capacity_bytes: capacityGb * G,
      persistentvolumeclaim_capacity_byte_seconds: capacityGb * G * DAY,
      volume_request_storage_byte_seconds: requestGb * G * DAY,
      persistentvolumeclaim_usage_byte_seconds: usageGb * G * DAY,
    });
    await writeStorageUsage(ds, [
      storageRow({ namespace: 'db', pod: 'ghost', persistentvolumeclaim: 'orphan', persistentvolume: 'pv-orphan',
        storageclass: 'standard', csi_volume_handle: null, persistentvolumeclaim_labels: '{"tier":"pvc"}', ...numbers(5, 5, 1) }),
      storageRow({ namespace: 'db', pod: '', persistentvolumeclaim: 'nopod', persistentvolume: 'pv-nopod',
        storageclass: 'standard', csi_volume_handle: 'vol-n', ...numbers(2, 2, 2) }),
    ]);
    const result = await run(ds, { reference: { enabledKeys: ['tier', 'zone'] } });
    const base = { data_source: 'Storage', usage_start: '2025-10-01', namespace: 'db', node: null, resource_id: null, storageclass: 'standard',
      volume_request_storage_gigabyte_months: null, persistentvolumeclaim_usage_gigabyte_months: null } as const;
    expectRows(byKind(result.rows, 'Storage'), [
      { ...base, persistentvolumeclaim: 'orphan', persistentvolume: 'pv-orphan', csi_volume_handle: null,
        // no node labels (no node); namespace then PVC labels
        volume_labels: '{"tier":"pvc","zone":"ns-zone"}', all_labels: '{"tier":"pvc","zone":"ns-zone"}',
        persistentvolumeclaim_capacity_gigabyte: 5, persistentvolumeclaim_capacity_gigabyte_months: (5 * G * DAY) / (86400 * 31) / G },
      { ...base, persistentvolumeclaim: 'nopod', persistentvolume: 'pv-nopod', csi_volume_handle: 'vol-n',
        volume_labels: '{"tier":"ns","zone":"ns-zone"}', all_labels: '{"tier":"ns","zone":"ns-zone"}',
        persistentvolumeclaim_capacity_gigabyte: 2, persistentvolumeclaim_capacity_gigabyte_months: (2 * G * DAY) / (86400 * 31) / G },
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S16 a rescheduled pod joins both its nodes; an unmatched row of the same PV is split by its node_count', async () => {
    const ds = await dataset(2025, 10);
    await writePodUsage(ds, [
      podRow({ interval_start: '2025-10-01 00:00:00', namespace: 'db', node: 'n1', pod: 'p1' }),
      podRow({ interval_start: '2025-10-01 05:00:00', namespace: 'db', node: 'n2', pod: 'p1' }),
    ]);
    const half = {
      namespace: 'db', persistentvolumeclaim: 'half', persistentvolume: 'pv-half', storageclass: 'gp3', csi_volume_handle: 'vol-h',
      persistentvolumeclaim_capacity_bytes: 4 * G, persistentvolumeclaim_capacity_byte_seconds: 4 * G * DAY,
      volume_request_storage_byte_seconds: 2 * G * DAY, persistentvolumeclaim_usage_byte_seconds: 1 * G * DAY,
    };
    await writeStorageUsage(ds, [storageRow({ ...half, pod: 'p1' }), storageRow({ ...half, pod: 'gone' })]);
    const result = await run(ds);
    // node_count(10-01, pv-half) = |{n1, n2}| = 2
    const base = {
      data_source: 'Storage', usage_start: '2025-10-01', namespace: 'db', all_labels: '{}', volume_labels: '{}',
      persistentvolumeclaim: 'half', persistentvolume: 'pv-half',
      persistentvolumeclaim_capacity_gigabyte: 4,
      persistentvolumeclaim_capacity_gigabyte_months: (4 * G * DAY) / (86400 * 31) / G,
      volume_request_storage_gigabyte_months: (2 * G * DAY) / 2 / (86400 * 31) / G, // 1/31
      persistentvolumeclaim_usage_gigabyte_months: (1 * G * DAY) / 2 / (86400 * 31) / G, // 0.5/31
    } as const;
    expectRows(byKind(result.rows, 'Storage'), [
      { ...base, node: 'n1', resource_id: 'i-n1' },
      { ...base, node: 'n2', resource_id: 'i-n2' },
      { ...base, node: null, resource_id: null }, // the row of pod 'gone'
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S17 days in month: February 2024 has 29 days, February 2025 has 28', async () => {
    for (const [year, day, days] of [[2024, '2024-02-29', 29], [2025, '2025-02-28', 28]] as const) {
      const ds = await dataset(year, 2);
      await writePodUsage(ds, [podRow({ interval_start: `${day} 00:00:00`, namespace: 's', node: 'n1', pod: 'p1' })]);
      await writeStorageUsage(ds, [
        storageRow({ interval_start: `${day} 00:00:00`, namespace: 's', pod: 'p1', persistentvolumeclaim: 'c', persistentvolume: 'v',
          persistentvolumeclaim_capacity_bytes: 29 * G, persistentvolumeclaim_capacity_byte_seconds: 29 * G * DAY,
          volume_request_storage_byte_seconds: 29 * G * DAY, persistentvolumeclaim_usage_byte_seconds: 29 * G * DAY }),
      ]);
      const result = await run(ds);
      const months = (29 * G * DAY) / (86400 * days) / G; // 2024: 29/29 = 1; 2025: 29/28
      expectRows(byKind(result.rows, 'Storage'), [
        { data_source: 'Storage', usage_start: day, usage_end: day, namespace: 's', node: 'n1', all_labels: '{}',
          persistentvolumeclaim: 'c', persistentvolume: 'v',
          persistentvolumeclaim_capacity_gigabyte: 29,
          persistentvolumeclaim_capacity_gigabyte_months: months,
          volume_request_storage_gigabyte_months: months,
          persistentvolumeclaim_usage_gigabyte_months: months },
      ]);
    }
  });

  // ------------------------------------------------------------------------------------------
  it('S18 unallocated rows for master, infra, worker; a (node, resource_id) the reference data lacks is inferred', async () => {
    const ds = await dataset(2025, 10);
    // every node: 4 cores and 16 GB for the one interval 00:00 → 4 core-hours, 16 GB-hours
    const cap = { node_capacity_cpu_cores: 4, node_capacity_cpu_core_seconds: 4 * H, node_capacity_memory_bytes: 16 * G, node_capacity_memory_byte_seconds: 16 * G * H };
    // "standard" pod: cpu usage 1 h, request 2 h (effective = greatest = 2); memory usage 4, request 2 (effective 4)
    const standard = { ...cap, namespace: 'a', pod: 'p1',
      pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 7200, pod_limit_cpu_core_seconds: 9 * H,
      pod_usage_memory_byte_seconds: 4 * G * H, pod_request_memory_byte_seconds: 2 * G * H, pod_limit_memory_byte_seconds: 9 * G * H };
    await writePodUsage(ds, [
      podRow({ ...standard, node: 'm1' }),
      podRow({ ...standard, node: 'inf1' }),
      podRow({ ...standard, node: 'w1' }),
      podRow({ ...cap, node: 'w1', namespace: 'b', pod: 'p2',
        pod_usage_cpu_core_seconds: 3600, pod_request_cpu_core_seconds: 3600, pod_effective_usage_cpu_core_seconds: 5400,
        pod_usage_memory_byte_seconds: G * H, pod_request_memory_byte_seconds: G * H }),
      podRow({ ...standard, node: 'mx' }),
      podRow({ ...standard, node: 'w2' }),
      podRow({ ...standard, node: 'u1' }),
      podRow({ ...standard, node: 'w3', resource_id: 'i-w3-old' }),
      podRow({ ...cap, node: 'w3', resource_id: 'i-w3-new', namespace: 'b', pod: 'p2',
        pod_usage_cpu_core_seconds: 1800, pod_request_cpu_core_seconds: 1800,
        pod_usage_memory_byte_seconds: G * H, pod_request_memory_byte_seconds: G * H }),
    ]);
    const result = await run(ds, {
      reference: {
        nodeRoles: [
          { node: 'm1', resourceId: 'i-m1', role: 'master' },
          { node: 'inf1', resourceId: 'i-inf1', role: 'infra' },
          { node: 'w1', resourceId: 'i-w1', role: 'worker' },
          { node: 'w1', resourceId: 'i-w1', role: 'worker' }, // duplicate: never multiplies
          { node: 'mx', resourceId: 'i-mx', role: 'master' },
          { node: 'mx', resourceId: 'i-mx', role: 'worker' }, // max role string: worker
          { node: 'mx', resourceId: 'i-mx', role: 'infra' },
          { node: 'w2', resourceId: 'i-other', role: 'master' }, // resource_id does not match w2's rows: inferred
          { node: 'w3', resourceId: 'i-w3-new', role: 'worker' }, // w3's i-w3-old rows: inferred worker
        ],
        costCategories: [
          { id: 9, pattern: 'Platform %' },
          { id: 7, pattern: '%unallocated' },
        ],
      },
    });
    const unallocated = {
      ...POD_ROW_STORAGE_NULLS,
      data_source: 'Pod',
      usage_start: '2025-10-01',
      usage_end: '2025-10-01',
      pod: null,
      pod_labels: null,
      volume_labels: null,
      all_labels: '{}',
      pod_limit_cpu_core_hours: null,
      pod_limit_memory_gigabyte_hours: null,
      infrastructure_usage_cost: null,
      node_capacity_cpu_cores: 4,
      node_capacity_cpu_core_hours: 4,
      node_capacity_memory_gigabytes: 16,
      node_capacity_memory_gigabyte_hours: 16,
      cluster_capacity_cpu_core_hours: 7 * 4, // m1, inf1, w1, mx, w2, u1, w3
      cluster_capacity_memory_gigabyte_hours: 7 * 16,
      source_uuid: ds.source,
    } as const;
    // one standard pod: 4 − 1 = 3, 4 − 2 = 2, 4 − 2 = 2; memory 16 − 4 = 12, 16 − 2 = 14, 16 − 4 = 12
    const minusStandard = {
      pod_usage_cpu_core_hours: 4 - 1, pod_request_cpu_core_hours: 4 - 2, pod_effective_usage_cpu_core_hours: 4 - 2,
      pod_usage_memory_gigabyte_hours: 16 - 4, pod_request_memory_gigabyte_hours: 16 - 2, pod_effective_usage_memory_gigabyte_hours: 16 - 4,
    };
    expectRows(result.rows.filter(isUnallocated), [
      { ...unallocated, ...minusStandard, namespace: 'Platform unallocated', node: 'm1', resource_id: 'i-m1', cost_category_id: 9 }, // 9 > 7
      { ...unallocated, ...minusStandard, namespace: 'Platform unallocated', node: 'inf1', resource_id: 'i-inf1', cost_category_id: 9 },
      { ...unallocated, namespace: 'Worker unallocated', node: 'w1', resource_id: 'i-w1', cost_category_id: 7,
        pod_usage_cpu_core_hours: 4 - (1 + 1),
        pod_request_cpu_core_hours: 4 - (2 + 1),
        pod_effective_usage_cpu_core_hours: 4 - (2 + 5400 / 3600),
        pod_usage_memory_gigabyte_hours: 16 - (4 + 1),
        pod_request_memory_gigabyte_hours: 16 - (2 + 1),
        pod_effective_usage_memory_gigabyte_hours: 16 - (4 + 1) },
      { ...unallocated, ...minusStandard, namespace: 'Worker unallocated', node: 'mx', resource_id: 'i-mx', cost_category_id: 7 },
      // w2's rows are (w2, i-w2), u1's (u1, i-u1): no reference role, nothing in the data → worker
      { ...unallocated, ...minusStandard, namespace: 'Worker unallocated', node: 'w2', resource_id: 'i-w2', cost_category_id: 7 },
      { ...unallocated, ...minusStandard, namespace: 'Worker unallocated', node: 'u1', resource_id: 'i-u1', cost_category_id: 7 },
      // w3: i-w3-new is a worker by reference, i-w3-old inferred one, so both pod rows count; resource_id = max
      { ...unallocated, namespace: 'Worker unallocated', node: 'w3', resource_id: 'i-w3-old', cost_category_id: 7,
        pod_usage_cpu_core_hours: 4 - (1 + 0.5), pod_request_cpu_core_hours: 4 - (2 + 0.5), pod_effective_usage_cpu_core_hours: 4 - (2 + 0.5),
        pod_usage_memory_gigabyte_hours: 16 - (4 + 1), pod_request_memory_gigabyte_hours: 16 - (2 + 1), pod_effective_usage_memory_gigabyte_hours: 16 - (4 + 1) },
    ]);
    // pod rows: m1, inf1, w1 ×2, mx, w2, u1, w3 ×2
    expect(result.rows.filter((row) => !isUnallocated(row))).toHaveLength(9);
    expect(result.counts).toEqual({ pod: 9, storage: 0, unallocated: 7 });
  });

  // ------------------------------------------------------------------------------------------
  it('S19 a window (startDate/endDate) drops the days outside it', async () => {
    const ds = await dataset(2025, 10);
    const cap = { node_capacity_cpu_cores: 2, node_capacity_cpu_core_seconds: 2 * H };
    await writePodUsage(ds, [
      podRow({ ...cap, interval_start: '2025-10-01 23:00:00', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...cap, interval_start: '2025-10-02 00:00:00', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...cap, interval_start: '2025-10-03 23:00:00', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 7200 }),
      podRow({ ...cap, interval_start: '2025-10-04 00:00:00', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
    ]);
    await writeStorageUsage(ds, [
      storageRow({ interval_start: '2025-10-01 00:00:00', namespace: 'a', pod: 'p1', persistentvolumeclaim_capacity_bytes: G, persistentvolumeclaim_capacity_byte_seconds: G * DAY }),
      storageRow({ interval_start: '2025-10-03 00:00:00', namespace: 'a', pod: 'p1', persistentvolumeclaim_capacity_bytes: G, persistentvolumeclaim_capacity_byte_seconds: G * DAY }),
    ]);
    const result = await run(ds, { startDate: '2025-10-02', endDate: '2025-10-03' });
    const pod = { data_source: 'Pod', namespace: 'a', node: 'n1', all_labels: '{}', node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2 } as const;
    expectRows(result.rows, [
      { ...pod, usage_start: '2025-10-02', usage_end: '2025-10-02', pod_usage_cpu_core_hours: 3600 / 3600 },
      { ...pod, usage_start: '2025-10-03', usage_end: '2025-10-03', pod_usage_cpu_core_hours: 7200 / 3600 },
      { data_source: 'Storage', usage_start: '2025-10-03', namespace: 'a', node: 'n1', all_labels: '{}',
        persistentvolumeclaim: 'pvc1', persistentvolume: 'pv1',
        persistentvolumeclaim_capacity_gigabyte_months: (G * DAY) / (86400 * 31) / G, // still ÷ 31 days of October
        volume_request_storage_gigabyte_months: 0 },
      workerUnallocated('2025-10-02', 'n1', { pod_usage_cpu_core_hours: 2 - 1, node_capacity_cpu_core_hours: 2 }),
      workerUnallocated('2025-10-03', 'n1', { pod_usage_cpu_core_hours: 2 - 2, node_capacity_cpu_core_hours: 2 }),
    ]);
    expect(result.counts).toEqual({ pod: 2, storage: 1, unallocated: 2 });
  });

  // ------------------------------------------------------------------------------------------
  it("S20 nise-style string timestamps ('2025-10-01 23:00:00 +0000 UTC') land on their UTC day", async () => {
    const ds = await dataset(2025, 10);
    const cap = { node_capacity_cpu_core_seconds: 2 * H };
    await writePodUsage(
      ds,
      [
        podRow({ ...cap, interval_start: '2025-10-01 23:00:00 +0000 UTC', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
        podRow({ ...cap, interval_start: '2025-10-02 00:00:00 +0000 UTC', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 7200 }),
        podRow({ ...cap, interval_start: '2025-09-30 23:00:00 +0000 UTC', namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
      ],
      { intervalType: 'VARCHAR' },
    );
    await writeNodeLabels(
      ds,
      [
        nodeLabelsRow({ interval_start: '2025-10-01 23:00:00 +0000 UTC', node: 'n1', node_labels: '{"app":"late"}' }),
        nodeLabelsRow({ interval_start: '2025-10-01 00:00:00 +0000 UTC', node: 'n1', node_labels: '{"app":"early"}' }),
      ],
      { intervalType: 'VARCHAR' },
    );
    await writeStorageUsage(
      ds,
      [storageRow({ interval_start: '2025-10-02 00:00:00 +0000 UTC', namespace: 'a', pod: 'p1', persistentvolumeclaim_capacity_bytes: 3 * G })],
      { intervalType: 'VARCHAR' },
    );
    const result = await run(ds, { reference: { enabledKeys: ['app'] } });
    expectRows(result.rows, [
      { data_source: 'Pod', usage_start: '2025-10-01', usage_end: '2025-10-01', namespace: 'a', node: 'n1', all_labels: '{"app":"late"}',
        pod_usage_cpu_core_hours: 1, node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2 },
      { data_source: 'Pod', usage_start: '2025-10-02', usage_end: '2025-10-02', namespace: 'a', node: 'n1', all_labels: '{}',
        pod_usage_cpu_core_hours: 2, node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2 },
      { data_source: 'Storage', usage_start: '2025-10-02', namespace: 'a', node: 'n1', all_labels: '{}',
        persistentvolumeclaim: 'pvc1', persistentvolume: 'pv1', persistentvolumeclaim_capacity_gigabyte: 3 },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 2 - 1 }),
      workerUnallocated('2025-10-02', 'n1', { pod_usage_cpu_core_hours: 2 - 2 }),
    ]);
  });

  // ------------------------------------------------------------------------------------------
  it('S21 byPod splits the pod group by pod; unallocated is unchanged', async () => {
    const ds = await dataset(2025, 10);
    const common = { namespace: 'a', node: 'n1', pod_labels: '{"app":"x"}', node_capacity_cpu_cores: 4, node_capacity_cpu_core_seconds: 4 * H };
    await writePodUsage(ds, [
      podRow({ ...common, interval_start: '2025-10-01 00:00:00', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...common, interval_start: '2025-10-01 00:00:00', pod: 'p2', pod_usage_cpu_core_seconds: 7200 }),
      podRow({ ...common, interval_start: '2025-10-01 01:00:00', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
    ]);
    const reference = { enabledKeys: ['app'], nodeRoles: [{ node: 'n1', resourceId: 'i-n1', role: 'worker' as const }] };
    // capacity: 00:00 max(4h, 4h) + 01:00 4h = 8 core-hours; unallocated usage = 8 − (1 + 2 + 1) = 4
    const worker = { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'Worker unallocated', node: 'n1', all_labels: '{}', pod: null,
      pod_usage_cpu_core_hours: 8 - (3600 + 7200 + 3600) / 3600, node_capacity_cpu_core_hours: 8 } as const;
    const pod = { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'a', node: 'n1', all_labels: '{"app":"x"}', node_capacity_cpu_core_hours: 8 } as const;

    const grouped = await run(ds, { reference });
    expectRows(grouped.rows, [
      { ...pod, pod: null, pod_usage_cpu_core_hours: (3600 + 7200 + 3600) / 3600 },
      worker,
    ]);

    const perPod = await run(ds, { reference, byPod: true });
    expectRows(perPod.rows, [
      { ...pod, pod: 'p1', pod_usage_cpu_core_hours: (3600 + 3600) / 3600 },
      { ...pod, pod: 'p2', pod_usage_cpu_core_hours: 7200 / 3600 },
      worker,
    ]);
    expect(perPod.counts).toEqual({ pod: 2, storage: 0, unallocated: 1 });
  });

  // ------------------------------------------------------------------------------------------
  it('S22 layout: any folder between month and report type; decoy folders and other sources ignored', async () => {
    const ds = await dataset(2025, 10);
    await writePodUsage(ds, [podRow({ interval_start: '2025-10-01 00:00:00', pod_usage_cpu_core_seconds: 3600 })]);
    await writePodUsage(ds, [podRow({ interval_start: '2025-10-01 01:00:00', pod_usage_cpu_core_seconds: 7200 })], {
      folder: 'batch-7f3e',
      file: 'part-1.parquet',
    });
    // not a path segment exactly equal to the report type
    await writePodUsage(ds, [podRow({ interval_start: '2025-10-01 02:00:00', pod_usage_cpu_core_seconds: 100 * H })], {
      reportSegment: 'openshift_pod_usage_line_items_backup',
    });
    // another source, same root
    await writePodUsage({ ...ds, source: '00000000-0000-0000-0000-000000000000' }, [
      podRow({ interval_start: '2025-10-01 03:00:00', pod_usage_cpu_core_seconds: 1000 * H }),
    ]);
    // another month of the same source
    await writePodUsage({ ...ds, month: 11 }, [podRow({ interval_start: '2025-10-01 04:00:00', pod_usage_cpu_core_seconds: 10000 * H })]);
    const result = await run(ds);
    expectRows(result.rows, [
      { data_source: 'Pod', usage_start: '2025-10-01', namespace: 'ns', node: 'n1', all_labels: '{}', pod_usage_cpu_core_hours: (3600 + 7200) / 3600 },
      workerUnallocated('2025-10-01', 'n1', { pod_usage_cpu_core_hours: 0 - (3600 + 7200) / 3600 }),
    ]);
  });
});
