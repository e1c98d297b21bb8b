/**
 * The fleet's promise on the engine: a dataset cut into row ranges, each range run through the
 * kernel, the partials merged in any order — or reduced day by day from the files the fleet ships —
 * gives the same rows as one pass over everything.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import { runSpec, type RunSpec, type SummaryRow } from '@ocpsum/core';
import { findInput } from '@ocpsum/input';
import {
  createPartial,
  dropPartial,
  finalizeSummary,
  KERNEL_KEYED_TABLES,
  mergePartials,
  kernelPartial,
  openEngine,
  PARTIAL_TABLES,
  partialParts,
  partName,
  readSummaryRows,
  runKernel,
  writePartialFile,
  type Engine,
  type FileSchema,
  type PartialSource,
  type PartialTable,
  type PartialTableName,
  type RowRange,
} from '@ocpsum/kernel';
import { LocalStore, localFiles } from '@ocpsum/storage';
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
} from '../helpers/parquet.js';
import { expectSameRows } from '../helpers/rows.js';

let engine: Engine;
let schemas = 0;
beforeAll(async () => {
  engine = await openEngine(2);
});
afterAll(() => engine.close());

const hour = fc
  .integer({ min: 0, max: 47 })
  .map((h) => `2024-02-${String(1 + Math.floor(h / 24)).padStart(2, '0')} ${String(h % 24).padStart(2, '0')}:00:00`);
/** Few distinct hours, so the latest-label rule meets ties across chunks. */
const labelHour = fc
  .constantFrom(0, 5, 23, 24, 47)
  .map((h) => `2024-02-${String(1 + Math.floor(h / 24)).padStart(2, '0')} ${String(h % 24).padStart(2, '0')}:00:00`);
const value = fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null, freq: 6 });
const labels = fc.constantFrom(
  '{"app":"web","env":"prod"}',
  'label_app:db|label_tier:x',
  '{"tier":"y"}',
  '',
  null,
  '{}',
);
// The signs of a node's role are rare, so that a chunk often holds one its neighbours lack and a
// merge that lost one would show.
/** Node labels may mark a node infra, in either form. */
const nodeLabelSets = fc.oneof(
  { arbitrary: labels, weight: 6 },
  {
    arbitrary: fc.constantFrom('{"node_role_kubernetes_io":"infra","app":"web"}', 'label_tier:x|label_node_role_kubernetes_io:infra'),
    weight: 1,
  },
);
const ns = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'openshift-c'), weight: 12 },
  { arbitrary: fc.constant('openshift-kube-apiserver'), weight: 1 },
);
const nodeRole = fc.oneof(
  { arbitrary: fc.constant(null), weight: 8 },
  { arbitrary: fc.constantFrom('master', 'infra', 'worker', '', 'control-plane'), weight: 1 },
);
const pod = fc.constantFrom('p1', 'p2', 'p3', 'p4');

const podUsage = fc.record({
  interval_start: hour,
  namespace: ns,
  node: fc.constantFrom('n1', 'n2', 'n3', '', null),
  pod,
  resource_id: fc.constantFrom('r1', 'r2'),
  node_role: nodeRole,
  pod_labels: labels,
  pod_usage_cpu_core_seconds: value,
  pod_request_cpu_core_seconds: value,
  pod_limit_cpu_core_seconds: value,
  pod_usage_memory_byte_seconds: value,
  pod_request_memory_byte_seconds: value,
  pod_limit_memory_byte_seconds: value,
  pod_effective_usage_cpu_core_seconds: value,
  pod_effective_usage_memory_byte_seconds: value,
  node_capacity_cpu_cores: value,
  node_capacity_cpu_core_seconds: value,
  node_capacity_memory_bytes: value,
  node_capacity_memory_byte_seconds: value,
});
const storageUsage = fc.record({
  interval_start: hour,
  namespace: ns,
  pod,
  persistentvolumeclaim: fc.constantFrom('c1', 'c2', ''),
  persistentvolume: fc.constantFrom('v1', 'v2'),
  persistentvolume_labels: labels,
  persistentvolumeclaim_labels: labels,
  persistentvolumeclaim_capacity_bytes: value,
  persistentvolumeclaim_capacity_byte_seconds: value,
  volume_request_storage_byte_seconds: value,
  persistentvolumeclaim_usage_byte_seconds: value,
});
const nodeLabels = fc.record({
  interval_start: labelHour,
  node: fc.constantFrom('n1', 'n2', 'n3'),
  node_labels: nodeLabelSets,
});
const namespaceLabels = fc.record({ interval_start: labelHour, namespace: ns, namespace_labels: labels });

const dataset = fc.record({
  pods: fc.array(podUsage, { minLength: 1, maxLength: 120 }),
  /** Pod rows of a file with the optional node_role column (an older operator's file has none). */
  podsWithRole: fc.array(podUsage, { maxLength: 60, size: 'medium' }),
  storage: fc.array(storageUsage, { maxLength: 30 }),
  nodeLabels: fc.array(nodeLabels, { maxLength: 30 }),
  namespaceLabels: fc.array(namespaceLabels, { maxLength: 20 }),
  byPod: fc.boolean(),
  /** Cut points, taken modulo a file's row count so they fit any file. */
  cuts: fc.array(fc.integer({ min: 0, max: 9973 }), { minLength: 1, maxLength: 8 }),
  chunks: fc.integer({ min: 1, max: 5 }),
  order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
});

function spec(byPod: boolean): RunSpec {
  return runSpec({
    org: 'org1234567',
    source: '6f1c4a2e-1b2c-4d3e-8f90-0123456789ab',
    year: 2024,
    month: 2,
    byPod,
    reference: {
      enabledKeys: ['app', 'env', 'tier'],
      costCategories: [{ id: 3, pattern: 'openshift-%' }],
      // (n1, r2), (n2, r1) and n3 have their roles inferred
      nodeRoles: [
        { node: 'n1', resourceId: 'r1', role: 'worker' },
        { node: 'n2', resourceId: 'r2', role: 'master' },
      ],
    },
  });
}

/** Cuts a file into row ranges at the given points. */
function cut(file: FileSchema, cuts: number[]): RowRange[] {
  const points = [...new Set([0, ...cuts.map((c) => c % (file.rows + 1)), file.rows])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => ({ file, start: points[i], end }));
}

/** A deterministic shuffle driven by generated numbers. */
function shuffle<T>(items: T[], order: number[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = order[i % order.length] % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Each key of `tables` of the partial in `schema` is in one row: what a kernel output's copy relies on. */
async function expectOneRowPerKey(schema: string, tables: readonly PartialTableName[]): Promise<void> {
  for (const table of tables) {
    const keys = Object.entries(PARTIAL_TABLES[table].columns as PartialTable['columns'])
      .filter(([, { merge }]) => merge === 'key')
      .map(([column]) => `"${column}"`);
    const [[rows, distinct]] = (
      await engine.db.runAndReadAll(`SELECT count(*), count(DISTINCT (${keys.join(', ')})) FROM ${schema}.${table}`)
    ).getRows();
    expect(rows, `${table} of a kernel run: one row per key`).toBe(distinct);
  }
}

test('kernel per row range + merge in any order equals one pass', async () => {
  await fc.assert(
    fc.asyncProperty(dataset, async (data) => {
      const ds = await makeDataset({ year: 2024, month: 2 });
      try {
        await writePodUsage(
          ds,
          data.pods.map((r) => podRow(r)),
        );
        if (data.podsWithRole.length)
          await writePodUsage(
            ds,
            data.podsWithRole.map((r) => podRow(r)),
            { nodeRole: 'VARCHAR', file: 'part-1.parquet' },
          );
        if (data.storage.length)
          await writeStorageUsage(
            ds,
            data.storage.map((r) => storageRow(r)),
          );
        if (data.nodeLabels.length)
          await writeNodeLabels(
            ds,
            data.nodeLabels.map((r) => nodeLabelsRow(r)),
          );
        if (data.namespaceLabels.length)
          await writeNamespaceLabels(
            ds,
            data.namespaceLabels.map((r) => namespaceLabelsRow(r)),
          );

        const store = new LocalStore(ds.root);
        const run = spec(data.byPod);
        const files = await localFiles(store, (await findInput(store, run)).files);
        const storageFiles = files.filter((f) => f.type === 'openshift_storage_usage_line_items');

        const ranges = shuffle(
          files.flatMap((f) => cut(f, data.cuts)),
          data.order,
        );
        const chunks = Array.from({ length: data.chunks }, (_, c) => ranges.filter((_, i) => i % data.chunks === c));
        // All at once on one engine, as on a worker running several kernels: they share one table of pods with volumes.
        const cuts = chunks.map(() => `cut_${++schemas}`);
        await Promise.all(
          chunks.map(async (chunk, c) => {
            await createPartial(engine.db, cuts[c]);
            await runKernel(() => engine.connect(), { ranges: chunk, storageFiles }, run, cuts[c]);
          }),
        );
        for (const schema of cuts) await expectOneRowPerKey(schema, KERNEL_KEYED_TABLES);
        // Each chunk as the fleet ships it too: a Parquet file per day, and one of its window tables.
        const shipped = new Map<string, string[]>();
        for (const schema of cuts) {
          for (const part of await partialParts(engine.db, schema)) {
            const file = join(ds.root, `${schema}-${partName(part)}.parquet`);
            await writePartialFile(engine.db, schema, part, file);
            shipped.set(partName(part), [...(shipped.get(partName(part)) ?? []), file]);
          }
        }
        const packedOf = (schema: string) => {
          const own = (name: string) => shipped.get(name)!.filter((f) => f.startsWith(join(ds.root, `${schema}-`)));
          const days = [...shipped.keys()].filter((name) => name !== 'window');
          return { days: days.flatMap(own), window: own('window') };
        };
        // Every other chunk merged from its files, the others from their tables.
        const sources: PartialSource[] = cuts.map((schema, c) => (c % 2 === 0 ? { schema } : { packed: packedOf(schema) }));
        const mergedSchema = `merged_${++schemas}`;
        await mergePartials(engine.db, shuffle(sources, data.order.slice(3)), mergedSchema);
        const merged = await finalizeSummary(engine.db, mergedSchema, run);
        const mergedRows = await readSummaryRows(engine.db, mergedSchema, run.byPod);

        // Reduced by day, as the fleet's day reduces do: a day's files of every chunk and every window file.
        const byDay: SummaryRow[] = [];
        const dayCounts = { pod: 0, storage: 0, unallocated: 0 };
        for (const [day, dayFiles] of [...shipped].filter(([name]) => name !== 'window')) {
          const daySchema = `day_${++schemas}`;
          await mergePartials(engine.db, [{ packed: { days: dayFiles, window: shipped.get('window')! } }], daySchema);
          const { counts } = await finalizeSummary(engine.db, daySchema, run);
          for (const k of Object.keys(dayCounts) as (keyof typeof dayCounts)[]) dayCounts[k] += counts[k];
          const rows = await readSummaryRows(engine.db, daySchema, run.byPod);
          expect(rows.every((r) => r.usage_start === day), `day ${day} finalizes only its own rows`).toBe(true);
          byDay.push(...rows);
          await dropPartial(engine.db, daySchema);
        }

        const whole = files.map((file) => ({ file, start: 0, end: file.rows }));
        const oneSchema = `one_${++schemas}`;
        await kernelPartial(engine.db, () => engine.connect(), { ranges: whole, storageFiles }, run, oneSchema);
        const onePass = await finalizeSummary(engine.db, oneSchema, run);
        const onePassRows = await readSummaryRows(engine.db, oneSchema, run.byPod);
        for (const schema of [...cuts, mergedSchema, oneSchema]) await dropPartial(engine.db, schema);

        expect(merged.counts).toEqual(onePass.counts);
        expectSameRows(mergedRows, onePassRows);
        expect(dayCounts).toEqual(onePass.counts);
        // The days' rows put together as the outputs' commit does: by data source, then day.
        const key = (r: SummaryRow) => `${r.data_source}/${r.usage_start}`;
        expectSameRows(byDay.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)), onePassRows);
      } finally {
        await removeDataset(ds);
      }
    }),
    {
      numRuns: 25,
      seed: Number(process.env.PROPERTY_SEED ?? 20251001),
    },
  );
  // Every case runs, however slow the machine is: a time limit would fail a correct merge, or drop
  // cases unseen.
}, 600_000);
