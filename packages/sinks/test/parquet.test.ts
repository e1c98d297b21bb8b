/**
 * Parquet written by DuckDB from the summary table: one file (`FILE.parquet`), or one object per
 * day under `source={uuid}/year=/month=/day=/` in a folder (S3 alike, see test/postgres/s3-parquet).
 * The same rows as the table in compareRows' order, typed as before: INT64 ids, DATE days, DOUBLE
 * sums, text; `pod` only by pod.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { runSpec, sqlString, summaryColumns, type SummaryRow } from '@ocpsum/core';
import { compareRows, withSummaryTable } from '../../../test/helpers/summary-table.js';
import { writeOutputs } from '../src/index.js';
import { row, SOURCE } from './rows.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ocpsum-parquet-test-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

const spec = (byPod = false) => runSpec({ org: 'org1', source: SOURCE, year: 2025, month: 10, byPod });

/** A Parquet file's rows as the summary's values (ids as numbers, days as text), in file order. */
async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(
      `SELECT * REPLACE (CAST(report_period_id AS INTEGER) AS report_period_id, CAST(cost_category_id AS INTEGER) AS cost_category_id,
         strftime(usage_start, '%Y-%m-%d') AS usage_start, strftime(usage_end, '%Y-%m-%d') AS usage_end)
       FROM read_parquet(${sqlString(path)}, hive_partitioning = false)`,
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    db.closeSync();
  }
}

/** The physical type of each column of a Parquet file. */
async function parquetTypes(path: string): Promise<Record<string, string>> {
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(
      `SELECT name, type FROM parquet_schema(${sqlString(path)}) WHERE num_children IS NULL`,
    );
    return Object.fromEntries(
      (reader.getRowObjectsJS() as { name: string; type: string }[]).map((r) => [r.name, r.type]),
    );
  } finally {
    db.closeSync();
  }
}

/** The rows as a sink writes them: compareRows' order, the columns chosen. */
const expected = (rows: SummaryRow[], byPod = false) =>
  [...rows].sort(compareRows).map((r) => Object.fromEntries(summaryColumns(byPod).map((c) => [c, r[c]])));

const rows = [
  row({
    usage_start: '2025-10-02',
    usage_end: '2025-10-02',
    namespace: 'b',
    pod: 'p1',
    pod_usage_cpu_core_hours: 0.1 + 0.2,
  }),
  row({
    usage_start: '2025-10-01',
    usage_end: '2025-10-01',
    namespace: '',
    report_period_id: null,
    cost_category_id: null,
  }),
  row({
    usage_start: '2025-10-02',
    usage_end: '2025-10-02',
    namespace: null,
    pod: 'p2',
    pod_labels: '{"a":"x,\\"y\\""}',
  }),
  row({
    usage_start: '2025-10-31',
    usage_end: '2025-10-31',
    data_source: 'Storage',
    persistentvolumeclaim: 'pvc-1',
    csi_volume_handle: '',
  }),
  row({
    usage_start: '2025-10-01',
    usage_end: '2025-10-01',
    namespace: 'a',
    node: null,
    pod_request_cpu_core_hours: -0,
  }),
];

test('FILE.parquet: every row in compareRows order, with the types ocpsum always wrote', async () => {
  for (const byPod of [false, true]) {
    const path = join(folder, `summary-${byPod}.parquet`);
    await withSummaryTable(rows, (source) => writeOutputs([path], source, spec(byPod)));
    expect(await parquetRows(path)).toEqual(expected(rows, byPod));
    const types = await parquetTypes(path);
    expect(Object.keys(types)).toEqual(summaryColumns(byPod));
    expect(types).toMatchObject({
      report_period_id: 'INT64',
      cost_category_id: 'INT64',
      usage_start: 'INT32',
      pod_usage_cpu_core_hours: 'DOUBLE',
      namespace: 'BYTE_ARRAY',
      pod_labels: 'BYTE_ARRAY',
    });
  }
});

test('a folder: one object per day, source=/year=/month=/day=/summary.parquet; a rewrite replaces it in place and clears days without rows and older objects', async () => {
  const days = join(folder, 'days');
  const objects = async () =>
    (await readdir(days, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(days.length + 1))
      .sort();
  // Another source's object in the same folder is none of this run's business.
  const other = 'source=00000000-0000-4000-8000-000000000000/year=2025/month=10/day=01/theirs.parquet';
  await mkdir(join(days, other, '..'), { recursive: true });
  await writeFile(join(days, other), 'not ours');

  await withSummaryTable(rows, (source) => writeOutputs([days], source, spec()));
  const first = await objects();
  const prefix = `source=${SOURCE}/year=2025/month=10/`;
  expect(first.filter((o) => o !== other)).toEqual(['day=01/', 'day=02/', 'day=31/'].map((d) => `${prefix}${d}summary.parquet`));
  for (const day of ['01', '02', '31']) {
    const object = first.find((o) => o.startsWith(`${prefix}day=${day}/`))!;
    expect(await parquetRows(join(days, object))).toEqual(
      expected(rows.filter((r) => r.usage_start === `2025-10-${day}`)),
    );
  }

  // An object an earlier ocpsum left under one of the days (it named them per commit) goes too.
  const older = `${prefix}day=02/summary-mf3k2a-4242.parquet`;
  await writeFile(join(days, older), 'older');
  const later = [row({ usage_start: '2025-10-02', usage_end: '2025-10-02', namespace: 'only' })];
  await withSummaryTable(later, (source) => writeOutputs([days], source, spec()));
  const second = await objects();
  expect(second).toEqual([other, `${prefix}day=02/summary.parquet`].sort());
  expect(await parquetRows(join(days, `${prefix}day=02/summary.parquet`))).toEqual(expected(later));
});
