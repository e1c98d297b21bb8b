/**
 * The fleet under the faults a user meets: small datasets, duplicate enqueues, workers killed or
 * stopped mid-run, and a chunk that cannot be read. Real processes, private redis-server and s3rver.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { queuePrefix } from '@ocpsum/fleet';
import { openStore } from '@ocpsum/storage';
import { startRedis, startS3, stopChild, type Child, type RedisServer, type S3Server } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { expectSameCsv } from '../helpers/csv.js';
import {
  chunksProgressed,
  cliOk,
  firstLine,
  fleetArgs,
  runRecord,
  s3Env,
  startFleet,
  withRedis,
} from '../helpers/fleet-run.js';
import { makeDataset, removeDataset, reportFile, writeParquet } from '../helpers/parquet.js';

const BIG = '2a6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const SMALL = '3b6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const ROOT = 's3://ocpsum/faults';

let redis: RedisServer;
let s3: S3Server;
let env: NodeJS.ProcessEnv;
let work: string;
let children: Child[] = [];
let prefixCount = 0;

const dataset = (source: string, root = ROOT) => [
  '--root',
  root,
  '--source',
  source,
  '--year',
  '2025',
  '--month',
  '10',
];
const fleet = (prefix: string) => fleetArgs(redis.url, prefix);
const freshPrefix = () => `faults${++prefixCount}`;
const cli = (args: string[]) => cliOk(args, env);
const record = (prefix: string, runId: string) => runRecord(redis.url, prefix, runId);

/** A fleet whose processes are stopped after the test. */
async function fleetOf(prefix: string, workers: number) {
  const started = await startFleet(redis.url, prefix, workers, env);
  children.push(...started.workers, started.coordinator);
  return started;
}

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3()]);
  env = s3Env(s3);
  work = await mkdtemp(join(tmpdir(), 'ocpsum-faults-'));
  await cli(['generate', '--out', ROOT, '--rows', '200000', '--source', BIG, '--seed', '3']);
  await cli(['generate', '--out', ROOT, '--rows', '50000', '--source', SMALL, '--seed', '4']);
  await cli(['run', '--mode', 'memory', ...dataset(BIG), '--out', join(work, 'big-memory.csv')]);
  await cli(['run', '--mode', 'memory', ...dataset(SMALL), '--out', join(work, 'small-memory.csv')]);
}, 600_000);

afterEach(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  children = [];
});

afterAll(async () => {
  await Promise.all([redis?.stop(), s3?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

test('a 50K-row dataset goes through the whole queue: one job, no partial written, same rows as memory mode', async () => {
  const prefix = freshPrefix();
  await fleetOf(prefix, 1);
  const monitor = new Redis(redis.url);
  const partialWrites: string[] = [];
  const watch = await monitor.monitor();
  watch.on('monitor', (_time: string, args: string[]) => {
    if (args.some((a) => String(a).includes(':partial:'))) partialWrites.push(args.join(' '));
  });
  const out = join(work, 'small-fleet.csv');
  const { stdout } = await cli(['enqueue', ...dataset(SMALL), ...fleet(prefix), '--out', out, '--wait']);
  watch.disconnect();
  monitor.disconnect();

  await expectSameCsv(out, join(work, 'small-memory.csv'));
  const run = (await record(prefix, firstLine(stdout)))!;
  expect(run.mode).toBe('whole');
  expect(run.chunks).toBe(1);
  expect(partialWrites).toEqual([]);
  const counts = await withRedis(redis.url, async (c) => {
    const q = new Queue('whole', { connection: c, prefix: queuePrefix(prefix) });
    const n = await q.getJobCountByTypes('completed', 'failed', 'active', 'wait');
    await q.close();
    return n;
  });
  expect(counts).toBe(1);
});

test('the same run enqueued twice while active is one run', async () => {
  const prefix = freshPrefix(); // no workers: the first run stays queued
  const out = join(work, 'twice.csv');
  const [first, second] = await Promise.all([
    cli(['enqueue', ...dataset(BIG), ...fleet(prefix), '--out', out]),
    cli(['enqueue', ...dataset(BIG), ...fleet(prefix), '--out', out]),
  ]);
  const id = first.stdout.trim();
  expect(second.stdout.trim()).toBe(id);
  expect([first.stderr, second.stderr].filter((e) => /already active/.test(e))).toHaveLength(1);
  const reduceJobs = await withRedis(redis.url, async (c) => {
    const q = new Queue('reduce', { connection: c, prefix: queuePrefix(prefix) });
    const n = await q.getJobCountByTypes('waiting-children', 'wait', 'active', 'completed', 'failed');
    await q.close();
    return n;
  });
  expect(reduceJobs).toBe(1);
  await cli(['cancel', id, ...fleet(prefix)]);
  expect((await record(prefix, id))!.status).toBe('cancelled');
});

test('a worker killed with SIGKILL mid-chunk: the run completes with the clean output', async () => {
  const prefix = freshPrefix();
  const { workers } = await fleetOf(prefix, 2);
  const out = join(work, 'killed.csv');
  const enqueue = cli(['enqueue', ...dataset(BIG), ...fleet(prefix), '--chunk-rows', '20000', '--out', out, '--wait']);
  await chunksProgressed(redis.url, prefix);
  workers[0].process.kill('SIGKILL');
  const { stdout } = await enqueue;
  await expectSameCsv(out, join(work, 'big-memory.csv'));
  const run = (await record(prefix, firstLine(stdout)))!;
  expect(run.status).toBe('done');
  expect(run.report!.rowsIn.pod).toBe(200_000);
});

test('a worker stopped with SIGTERM mid-run exits 0 within its grace period, its metrics server closed, and the run completes', async () => {
  const GRACE_MS = 30_000; // Kubernetes' default terminationGracePeriodSeconds
  const prefix = freshPrefix();
  const { workers } = await fleetOf(prefix, 2);
  const metricsUrl = workers[0].opsUrl!;
  const out = join(work, 'terminated.csv');
  const enqueue = cli(['enqueue', ...dataset(BIG), ...fleet(prefix), '--chunk-rows', '20000', '--out', out, '--wait']);
  await chunksProgressed(redis.url, prefix);
  // A scraper's open keep-alive connection must not hold the worker up.
  expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(200);
  const exit = new Promise<number | null>((resolve) => workers[0].process.once('exit', (code) => resolve(code)));
  const signalled = Date.now();
  workers[0].process.kill('SIGTERM');
  expect(await exit).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(GRACE_MS);
  expect(workers[0].output()).toMatch(/"msg":"worker: closed"/);
  await expect(fetch(`${metricsUrl}/healthz`)).rejects.toThrow();
  await enqueue;
  await expectSameCsv(out, join(work, 'big-memory.csv'));
});

test('a file of the wrong shape is refused when the run is planned, naming the object and column; no run starts, nothing is written', async () => {
  const prefix = freshPrefix();
  await fleetOf(prefix, 1);
  const root = 's3://ocpsum/broken';
  await cli(['generate', '--out', root, '--rows', '120000', '--source', BIG, '--seed', '5', '--layout', 'poc']);
  // A valid Parquet footer over a column of the wrong type: the coordinator reads every footer before it plans.
  const ds = await makeDataset({ year: 2025, month: 10, source: BIG });
  const bad = reportFile(ds, 'openshift_pod_usage_line_items', { folder: 'day=15', file: 'part-9.parquet' });
  await writeParquet(bad, { interval_start: 'TIMESTAMP', namespace: 'VARCHAR', node: 'INTEGER' }, [
    ['2025-10-15 00:00:00', 'ns', 7],
  ]);
  const store = openStore(root, {
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
  const key = `data/org1234567/OCP/source=${BIG}/year=2025/month=10/day=15/openshift_pod_usage_line_items/part-9.parquet`;
  const { readFile } = await import('node:fs/promises');
  await store.put(key, await readFile(bad));
  await store.close();
  await removeDataset(ds);

  const out = join(work, 'broken.csv');
  const result = await ocpsum(
    ['enqueue', ...dataset(BIG, root), ...fleet(prefix), '--chunk-rows', '30000', '--out', out, '--wait'],
    { env },
  );
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain(key);
  expect(result.stderr).toMatch(/column "node" has type INTEGER, expected a string/);
  expect(result.stdout, 'no run id: nothing was enqueued').toBe('');
  expect(existsSync(out)).toBe(false);
  const keys = await withRedis(redis.url, (c) => c.keys(`{${prefix}}:run:*`));
  expect(keys).toEqual([]);
});
