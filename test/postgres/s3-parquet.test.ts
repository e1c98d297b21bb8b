/**
 * The Parquet-by-day sink on S3 (s3rver): read back with DuckDB it holds the CSV sink's rows, one
 * object per day under source=/year=/month=/day=/, and a second run replaces objects, never adds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore, type ObjectStore } from '@ocpsum/storage';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startS3, type S3Server } from '@ocpsum/services';
import { readCsv } from '../helpers/csv.js';
import { expectSameTable, type Table } from '../helpers/tables.js';
import { filterDays } from './rows.js';
import { cli, nodesOf, referenceFor, writeReferenceYaml } from './setup.js';

const SOURCE = '5b8d2f1a-9c3e-4a7b-8d6f-1e2a3b4c5d6e';
const OUT = 's3://ocpsum/summaries/';
const dataset = (root: string) => ['--root', root, '--source', SOURCE, '--year', '2025', '--month', '10'];

let s3: S3Server;
let env: NodeJS.ProcessEnv;
let store: ObjectStore;
let work: string;
let root: string;
let reference: string;
let noKeys: string;

beforeAll(async () => {
  // As the CLI does: the pinned AWS SDK supports Node 20; its notice about future releases is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  s3 = await startS3();
  env = {
    OCPSUM_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
  store = openStore(OUT, {
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: 'us-east-1',
  });
  work = await mkdtemp(join(tmpdir(), 'ocpsum-s3-parquet-'));
  root = join(work, 'root');
  await cli(['generate', '--out', root, '--rows', '20000', '--source', SOURCE, '--seed', '3']);
  const data = referenceFor(await nodesOf(root));
  reference = join(work, 'reference.yml');
  noKeys = join(work, 'no-keys.yml');
  await writeReferenceYaml(reference, data);
  await writeReferenceYaml(noKeys, { ...data, enabledKeys: [] });
}, 300_000);

afterAll(async () => {
  await store?.close();
  await s3?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The objects per day key prefix, e.g. `source=…/year=2025/month=10/day=05/` → [key]. */
async function objectsPerDay(): Promise<Map<string, string[]>> {
  const days = new Map<string, string[]>();
  for await (const object of store.list('')) {
    const match = /^source=([^/]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/[^/]+\.parquet$/.exec(object.key);
    expect(match, `unexpected key ${object.key}`).not.toBeNull();
    expect(match![1]).toBe(SOURCE);
    const day = `${match![2]}-${match![3]}-${match![4]}`;
    days.set(day, [...(days.get(day) ?? []), object.key]);
  }
  return days;
}

/** Every object read back with DuckDB (from the store's local copies), as text in the CSV's columns. */
async function readBack(keys: string[], header: string[]): Promise<Table> {
  const files = await Promise.all(keys.map((k) => store.localFile(k)));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
    const reader = await db.runAndReadAll(
      `SELECT ${header.map((c) => `CAST(${c} AS VARCHAR)`).join(', ')} FROM read_parquet([${list}])`,
    );
    return { header, rows: reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v)))) };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

test('Parquet by day on S3 equals the CSV sink; a second run replaces, a narrower one only its days', async () => {
  const run = (ref: string, csv: string, extra: string[] = []) =>
    cli(['run', ...dataset(root), ...extra, '--reference', ref, '--out', OUT, '--out', join(work, csv)], env);

  await run(reference, 'first.csv');
  const full = await readCsv(join(work, 'first.csv'));
  const first = await objectsPerDay();
  expect([...first.keys()]).toHaveLength(31);
  for (const keys of first.values()) expect(keys).toHaveLength(1);
  expectSameTable(await readBack([...first.values()].flat(), full.header), full);

  await run(reference, 'second.csv');
  const second = await objectsPerDay();
  expect([...second.keys()]).toEqual([...first.keys()]);
  for (const [day, keys] of second) {
    // Replaced in place: one PUT of the day's one key, so a reader never sees two or none.
    expect(keys, day).toEqual(first.get(day));
    expect(keys[0]).toMatch(/\/summary\.parquet$/);
  }
  expectSameTable(await readBack([...second.values()].flat(), full.header), full);

  await run(noKeys, 'narrow.csv', ['--start-date', '2025-10-05', '--end-date', '2025-10-07']);
  const narrow = await readCsv(join(work, 'narrow.csv'));
  const third = await objectsPerDay();
  for (const [day, keys] of third) expect(keys, day).toEqual(second.get(day));
  const windowKeys = ['05', '06', '07'].map((d) => third.get(`2025-10-${d}`)![0]);
  expectSameTable(await readBack(windowKeys, full.header), narrow);
  const otherKeys = [...third].filter(([day]) => day < '2025-10-05' || day > '2025-10-07').map(([, keys]) => keys[0]);
  const others = {
    header: full.header,
    rows: [...filterDays(full, '2025-10-01', '2025-10-04').rows, ...filterDays(full, '2025-10-08', '2025-10-31').rows],
  };
  expectSameTable(await readBack(otherKeys, full.header), others);
  expect(narrow.rows.length).toBeLessThan(filterDays(full, '2025-10-05', '2025-10-07').rows.length);
});
