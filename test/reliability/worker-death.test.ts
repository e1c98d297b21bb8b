/**
 * Workers killed with SIGKILL, one after another, in one run: each dies while it works on a chunk
 * and a replacement starts right after (the next kill waits for it). BullMQ's stalled-job check (packages/fleet/src/stall.ts)
 * hands each dead worker's chunk to another worker, the chunk's partial overwrites its own key, and
 * the run's rows equal memory mode. The time from each kill to its chunk being completed elsewhere
 * is printed (not asserted: it depends on the machine).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STALL, queuePrefix } from '@ocpsum/fleet';
import { startRedis, startS3, stopChild, type Child, type RedisServer, type S3Server } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { expectSameCsv } from '../helpers/csv.js';
import {
  cliOk,
  fleetArgs,
  jobInProgress,
  pollFor,
  runRecord,
  s3Env,
  startFleet,
  startWorker,
  withRedis,
} from '../helpers/fleet-run.js';

const SOURCE = '5d6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const ROOT = 's3://ocpsum/worker-death';
const ROWS = 200_000;
const dataset = ['--root', ROOT, '--source', SOURCE, '--year', '2025', '--month', '10'];

let redis: RedisServer;
let s3: S3Server;
let env: NodeJS.ProcessEnv;
let work: string;
const children: Child[] = [];

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3()]);
  env = s3Env(s3);
  work = await mkdtemp(join(tmpdir(), 'ocpsum-worker-death-'));
  await cliOk(['generate', '--out', ROOT, '--rows', String(ROWS), '--source', SOURCE, '--seed', '21'], env);
  await cliOk(['run', '--mode', 'memory', ...dataset, '--out', join(work, 'memory.csv')], env);
}, 300_000);

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  await Promise.all([redis?.stop(), s3?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

test('each of 3 workers SIGKILLed once mid-chunk, replaced after each kill: the run completes with the memory-mode rows', async () => {
  const prefix = 'deaths';
  const fleet = await startFleet(redis.url, prefix, 3, env);
  children.push(...fleet.workers, fleet.coordinator);
  const out = join(work, 'fleet.csv');
  const enqueue = ocpsum(
    ['enqueue', ...dataset, ...fleetArgs(redis.url, prefix), '--chunk-rows', '4000', '--out', out, '--wait'],
    { env, timeoutMs: 240_000 },
  );

  // Kill each original worker while it holds a chunk, then start its replacement; the next kill waits
  // for the replacement, so live workers are there to notice the stalled chunk.
  const kills: { pid: number; jobId: string; at: number }[] = [];
  for (const [i, worker] of fleet.workers.entries()) {
    const jobId = await pollFor(`worker-${i} working on a chunk`, () => jobInProgress(worker), { timeoutMs: 120_000 });
    worker.process.kill('SIGKILL');
    kills.push({ pid: worker.process.pid!, jobId, at: Date.now() });
    children.push(await startWorker(redis.url, prefix, `replacement-${i}`, env));
  }

  const result = await enqueue;
  expect(result.code, result.stderr + result.stdout).toBe(0);
  await expectSameCsv(out, join(work, 'memory.csv'));
  const runId = result.stdout.split('\n')[0].trim();
  const run = (await runRecord(redis.url, prefix, runId))!;
  expect(run.status).toBe('done');
  expect(run.report!.rowsIn.pod).toBe(ROWS);
  expect(run.report!.chunks).toHaveLength(run.chunks);

  // Each killed chunk was finished by another process; its recovery time comes from BullMQ's timestamps.
  const recovered = await withRedis(redis.url, async (client) => {
    const queue = new Queue('chunks', { connection: client, prefix: queuePrefix(prefix) });
    try {
      return await Promise.all(
        kills.map(async (kill) => {
          const job = (await Job.fromId(queue, kill.jobId))!;
          const chunk = (job.data as { chunk: number }).chunk;
          const doneBy = run.report!.chunks.find((c) => c.chunk === chunk)!.worker;
          return {
            ...kill,
            chunk,
            doneBy,
            processedOn: job.processedOn!,
            finishedOn: job.finishedOn!,
            stalled: job.stalledCounter,
          };
        }),
      );
    } finally {
      await queue.close();
    }
  });
  for (const r of recovered) {
    expect(r.doneBy.endsWith(`:${r.pid}`), `chunk ${r.chunk} done by the killed worker ${r.pid}`).toBe(false);
    expect(r.stalled, `chunk ${r.chunk} came back through the stalled-job check`).toBeGreaterThanOrEqual(1);
    expect(r.finishedOn).toBeGreaterThan(r.at);
  }
  // processedOn is when the last (successful) attempt started: kill → processedOn is the stall detection.
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const times = recovered.map((r) => r.finishedOn - r.at);
  console.log(
    `[recovery after SIGKILL] lockDuration ${STALL.lockDuration} ms, stalledInterval ${STALL.stalledInterval} ms, ` +
      `maxStalledCount ${STALL.maxStalledCount}; kill → chunk completed by another worker: ` +
      recovered
        .map(
          (r) =>
            `chunk ${r.chunk} ${seconds(r.finishedOn - r.at)} (taken again after ${seconds(r.processedOn - r.at)})`,
        )
        .join(', ') +
      `; max ${seconds(Math.max(...times))}; run of ${run.chunks} chunks took ${seconds(run.finishedAt! - run.createdAt)}`,
  );
}, 240_000);
