/**
 * The UTC-day rules must not depend on the process time zone (docs/rules.md §4: `usage_start` is the UTC date
 * of interval_start). This file runs in its own fork with TZ forced to America/New_York (UTC−4 in
 * October) before DuckDB or the engine is loaded, so a machine in UTC cannot hide a local-time bug.
 * Expected values are hand-computed, as in golden.test.ts.
 */
process.env.TZ = 'America/New_York';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '@ocpsum/core';
import { expectRows } from '../helpers/compare.js';
import type { Dataset } from '../helpers/parquet.js';

type Helpers = typeof import('../helpers/parquet.js');
type Core = typeof import('@ocpsum/core');
type Kernel = typeof import('@ocpsum/kernel');
type Storage = typeof import('@ocpsum/storage');

let helpers: Helpers;
let core: Core;
let kernel: Kernel;
let storage: Storage;

beforeAll(async () => {
  // loaded after TZ is set, so nothing can have cached the zone
  helpers = await import('../helpers/parquet.js');
  core = await import('@ocpsum/core');
  kernel = await import('@ocpsum/kernel');
  storage = await import('@ocpsum/storage');
});

const H = 3600;
const G = 2 ** 30;
const datasets: Dataset[] = [];

afterEach(async () => {
  for (const dataset of datasets.splice(0)) await helpers.removeDataset(dataset);
});

async function run(ds: Dataset, window: { startDate?: string; endDate?: string } = {}): Promise<SummaryRow[]> {
  const spec = core.runSpec({
    org: ds.org,
    source: ds.source,
    year: ds.year,
    month: ds.month,
    ...window,
    reference: { enabledKeys: ['app'], costCategories: [], nodeRoles: [] },
  });
  const { summaryOf } = await import('../helpers/summarize.js');
  return (await summaryOf(await kernel.summarize({ store: new storage.LocalStore(ds.root), spec }))).rows;
}

/** Writes the same scenario with TIMESTAMP, nise-style VARCHAR or TIMESTAMPTZ interval_start. */
async function scenario(intervalType: 'TIMESTAMP' | 'VARCHAR' | 'TIMESTAMPTZ'): Promise<Dataset> {
  const { makeDataset, podRow, nodeLabelsRow, storageRow, writePodUsage, writeNodeLabels, writeStorageUsage } = helpers;
  const t = (utc: string) =>
    intervalType === 'VARCHAR' ? `${utc} +0000 UTC` : intervalType === 'TIMESTAMPTZ' ? `${utc}+00` : utc;
  const ds = await makeDataset({ year: 2025, month: 10 });
  datasets.push(ds);
  const cap = { node_capacity_cpu_core_seconds: 2 * H };
  await writePodUsage(
    ds,
    [
      podRow({ ...cap, interval_start: t('2025-09-30 23:00:00'), namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }), // September: dropped
      podRow({ ...cap, interval_start: t('2025-10-01 00:00:00'), namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 1800 }),
      podRow({ ...cap, interval_start: t('2025-10-01 23:00:00'), namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...cap, interval_start: t('2025-10-02 00:00:00'), namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 7200 }),
      podRow({ ...cap, interval_start: t('2025-10-31 23:00:00'), namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }),
      podRow({ ...cap, interval_start: t('2025-11-01 00:00:00'), namespace: 'a', pod: 'p1', pod_usage_cpu_core_seconds: 3600 }), // November: dropped
    ],
    { intervalType },
  );
  await writeNodeLabels(
    ds,
    [
      nodeLabelsRow({ interval_start: t('2025-10-01 23:00:00'), node: 'n1', node_labels: '{"app":"late"}' }),
      nodeLabelsRow({ interval_start: t('2025-10-01 00:00:00'), node: 'n1', node_labels: '{"app":"early"}' }),
    ],
    { intervalType },
  );
  await writeStorageUsage(
    ds,
    [storageRow({ interval_start: t('2025-10-02 00:00:00'), namespace: 'a', pod: 'p1', persistentvolumeclaim_capacity_bytes: 3 * G })],
    { intervalType },
  );
  return ds;
}

const pod = { data_source: 'Pod', namespace: 'a', node: 'n1' } as const;
// 10-01: intervals 00:00 and 23:00 → usage (1800 + 3600) / 3600 = 1.5, capacity 2 × 2 = 4 core-hours;
// labels: the 23:00 set ("late") is the latest of 10-01.
const oct1 = { ...pod, usage_start: '2025-10-01', usage_end: '2025-10-01', all_labels: '{"app":"late"}',
  pod_usage_cpu_core_hours: (1800 + 3600) / 3600, node_capacity_cpu_core_hours: (2 * H + 2 * H) / 3600, cluster_capacity_cpu_core_hours: 4 };
// 10-02: interval 00:00 → usage 2, capacity 2; no node labels that day.
const oct2 = { ...pod, usage_start: '2025-10-02', usage_end: '2025-10-02', all_labels: '{}',
  pod_usage_cpu_core_hours: 7200 / 3600, node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2 };
const oct31 = { ...pod, usage_start: '2025-10-31', usage_end: '2025-10-31', all_labels: '{}',
  pod_usage_cpu_core_hours: 3600 / 3600, node_capacity_cpu_core_hours: 2, cluster_capacity_cpu_core_hours: 2 };
// Every node is inferred a worker (no role in the reference data, no sign of another): capacity minus usage.
const unallocated = (day: { usage_start: string; node_capacity_cpu_core_hours: number; pod_usage_cpu_core_hours: number }) => ({
  data_source: 'Pod', namespace: 'Worker unallocated', node: 'n1', all_labels: '{}', pod_labels: null,
  usage_start: day.usage_start, usage_end: day.usage_start, node_capacity_cpu_core_hours: day.node_capacity_cpu_core_hours,
  pod_usage_cpu_core_hours: day.node_capacity_cpu_core_hours - day.pod_usage_cpu_core_hours,
}) as const;
const volume = { data_source: 'Storage', usage_start: '2025-10-02', namespace: 'a', node: 'n1', all_labels: '{}',
  persistentvolumeclaim: 'pvc1', persistentvolume: 'pv1', persistentvolumeclaim_capacity_gigabyte: 3 } as const;

describe('golden daily summary with TZ=America/New_York', () => {
  it('the zone really is forced in this process', () => {
    expect(new Date(Date.UTC(2025, 9, 2, 0, 0, 0)).getDate()).toBe(1); // 2025-10-02 00:00 UTC is still Oct 1 in New York
  });

  // TIMESTAMPTZ is accepted besides TIMESTAMP and string (docs/rules.md §2), so the UTC rule holds for it too.
  for (const intervalType of ['TIMESTAMP', 'VARCHAR', 'TIMESTAMPTZ'] as const) {
    it(`TZ1 ${intervalType} interval_start: days, month bounds and latest labels are UTC`, async () => {
      const ds = await scenario(intervalType);
      expectRows(await run(ds), [oct1, oct2, oct31, volume, unallocated(oct1), unallocated(oct2), unallocated(oct31)]);
    });

    it(`TZ2 ${intervalType} interval_start: a one-day window is a UTC day`, async () => {
      const ds = await scenario(intervalType);
      expectRows(await run(ds, { startDate: '2025-10-02', endDate: '2025-10-02' }), [oct2, volume, unallocated(oct2)]);
    });
  }
});
