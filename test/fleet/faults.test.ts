/**
 * The fleet under the faults a user meets: small datasets, duplicate enqueues, workers killed or
 * stopped mid-run, and a chunk that cannot be read. Real processes, private redis-server and s3rver.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { expectSameCsv } from '../helpers/csv.js';
import { chunksProgressed, firstLine, fleetWorld } from '../helpers/fleet.js';
import { makeDataset, removeDataset, reportFile, writeParquet } from '../helpers/parquet.js';

const world = fleetWorld('faults', {
  big: { rows: 200_000, seed: 3, memory: true },
  small: { rows: 50_000, seed: 4, memory: true },
});
let prefixCount = 0;
const freshPrefix = () => `faults${++prefixCount}`;

test('a 50K-row dataset goes through the whole queue: one job, no partial written, same rows as memory mode', async () => {
  const prefix = freshPrefix();
  await world.startFleet(prefix, 1);
  const monitor = new Redis(world.redis.url);
  const partialWrites: string[] = [];
  const watch = await monitor.monitor();
  watch.on('monitor', (_time: string, args: string[]) => {
    if (args.some((a) => String(a).includes(':partial:'))) partialWrites.push(args.join(' '));
  });
  const out = join(world.work, 'small-fleet.csv');
  const { stdout } = await world.cli(world.enqueue('small', prefix, ['--out', out, '--wait']));
  watch.disconnect();
  monitor.disconnect();

  await expectSameCsv(out, world.memoryCsv('small'));
  const run = (await world.record(prefix, firstLine(stdout)))!;
  expect(run.mode).toBe('whole');
  expect(run.chunks).toBe(1);
  expect(partialWrites).toEqual([]);
  const counts = await world.withQueue(prefix, 'whole', (q) =>
    q.getJobCountByTypes('completed', 'failed', 'active', 'wait'),
  );
  expect(counts).toBe(1);
});

test('the same run enqueued twice while active is one run', async () => {
  const prefix = freshPrefix(); // no workers: the first run stays queued
  const out = join(world.work, 'twice.csv');
  const [first, second] = await Promise.all([
    world.cli(world.enqueue('big', prefix, ['--out', out])),
    world.cli(world.enqueue('big', prefix, ['--out', out])),
  ]);
  const id = first.stdout.trim();
  expect(second.stdout.trim()).toBe(id);
  expect([first.stderr, second.stderr].filter((e) => /already active/.test(e))).toHaveLength(1);
  const reduceJobs = await world.withQueue(prefix, 'reduce', (q) =>
    q.getJobCountByTypes('waiting-children', 'wait', 'active', 'completed', 'failed'),
  );
  expect(reduceJobs).toBe(1);
  await world.cli(['cancel', id, ...world.fleet(prefix)]);
  expect((await world.record(prefix, id))!.status).toBe('cancelled');
});

test('a worker killed with SIGKILL mid-chunk: the run completes with the clean output', async () => {
  const prefix = freshPrefix();
  const { workers } = await world.startFleet(prefix, 2);
  const out = join(world.work, 'killed.csv');
  const enqueue = world.cli(world.enqueue('big', prefix, ['--chunk-rows', '20000', '--out', out, '--wait']));
  await chunksProgressed(world.redis.url, prefix);
  workers[0].process.kill('SIGKILL');
  const { stdout } = await enqueue;
  await expectSameCsv(out, world.memoryCsv('big'));
  const run = (await world.record(prefix, firstLine(stdout)))!;
  expect(run.status).toBe('done');
  expect(run.report!.rowsIn.pod).toBe(200_000);
});

test('a worker stopped with SIGTERM mid-run exits 0 within its grace period, its metrics server closed, and the run completes', async () => {
  const GRACE_MS = 30_000; // Kubernetes' default terminationGracePeriodSeconds
  const prefix = freshPrefix();
  const { workers } = await world.startFleet(prefix, 2);
  const metricsUrl = workers[0].opsUrl!;
  const out = join(world.work, 'terminated.csv');
  const enqueue = world.cli(world.enqueue('big', prefix, ['--chunk-rows', '20000', '--out', out, '--wait']));
  await chunksProgressed(world.redis.url, prefix);
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
  await expectSameCsv(out, world.memoryCsv('big'));
});

test('a file of the wrong shape is refused when the run is planned, naming the object and column; no run starts, nothing is written', async () => {
  const prefix = freshPrefix();
  await world.startFleet(prefix, 1);
  const root = 's3://ocpsum/broken';
  const source = world.source('big');
  await world.cli([
    'generate',
    '--out',
    root,
    '--rows',
    '120000',
    '--source',
    source,
    '--seed',
    '5',
    '--layout',
    'poc',
  ]);
  // A valid Parquet footer over a column of the wrong type: the coordinator reads every footer before it plans.
  const ds = await makeDataset({ year: 2025, month: 10, source });
  const bad = reportFile(ds, 'openshift_pod_usage_line_items', { folder: 'day=15', file: 'part-9.parquet' });
  await writeParquet(bad, { interval_start: 'TIMESTAMP', namespace: 'VARCHAR', node: 'INTEGER' }, [
    ['2025-10-15 00:00:00', 'ns', 7],
  ]);
  const key = `data/org1234567/OCP/source=${source}/year=2025/month=10/day=15/openshift_pod_usage_line_items/part-9.parquet`;
  await world.put(root, key, bad);
  await removeDataset(ds);

  const out = join(world.work, 'broken.csv');
  const result = await world.ocpsum(
    world.enqueue('big', prefix, ['--chunk-rows', '30000', '--out', out, '--wait'], { root }),
  );
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain(key);
  expect(result.stderr).toMatch(/column "node" has type INTEGER, expected a string/);
  expect(result.stdout, 'no run id: nothing was enqueued').toBe('');
  expect(existsSync(out)).toBe(false);
  const keys = await world.keys(`{${prefix}}:run:*`);
  expect(keys).toEqual([]);
});
