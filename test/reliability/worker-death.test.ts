/**
 * Workers killed with SIGKILL, one after another, in one run: each dies while it works on a chunk
 * and a replacement starts right after (the next kill waits for it). BullMQ's stalled-job check (packages/fleet/src/stall.ts)
 * hands each dead worker's chunk to another worker, the chunk's partial overwrites its own key, and
 * the run's rows equal memory mode. The time from each kill to its chunk being completed elsewhere
 * is printed (not asserted: it depends on the machine). A run never hangs: a chunk that stalls more
 * often than allowed fails it, and so does its deadline when no worker serves it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'bullmq';
import { expect, test } from 'vitest';
import { STALL } from '@ocpsum/fleet';
import { expectSameCsv } from '../helpers/csv.js';
import { firstLine, fleetWorld, jobInProgress, pollFor } from '../helpers/fleet.js';

const ROWS = 200_000;
const world = fleetWorld('worker-death', { month: { rows: ROWS, seed: 21, memory: true } });

test('each of 3 workers SIGKILLed once mid-chunk, replaced after each kill: the run completes with the memory-mode rows', async () => {
  const prefix = 'deaths';
  const fleet = await world.startFleet(prefix, 3);
  const out = join(world.work, 'fleet.csv');
  const enqueue = world.ocpsum(world.enqueue('month', prefix, ['--chunk-rows', '4000', '--out', out, '--wait']), {
    timeoutMs: 240_000,
  });

  // Kill each original worker while it holds a chunk, then start its replacement; the next kill waits
  // for the replacement, so live workers are there to notice the stalled chunk.
  const kills: { pid: number; jobId: string; at: number }[] = [];
  for (const [i, worker] of fleet.workers.entries()) {
    // A chunk it started just now (one already under way might end before the signal lands).
    const under = jobInProgress(worker);
    const jobId = await pollFor(
      `worker-${i} starting a chunk`,
      () => {
        const job = jobInProgress(worker);
        return job !== under ? job : undefined;
      },
      { timeoutMs: 120_000 },
    );
    worker.process.kill('SIGKILL');
    kills.push({ pid: worker.process.pid!, jobId, at: Date.now() });
    await world.worker(prefix, { name: `replacement-${i}` });
  }

  const result = await enqueue;
  expect(result.code, result.stderr + result.stdout).toBe(0);
  await expectSameCsv(out, world.memoryCsv('month'));
  const runId = firstLine(result.stdout);
  const run = (await world.record(prefix, runId))!;
  expect(run.status).toBe('done');
  expect(run.report!.rowsIn.pod).toBe(ROWS);
  expect(run.report!.chunks).toHaveLength(run.chunks);

  // Each killed chunk was finished by another process; its recovery time comes from BullMQ's timestamps.
  const recovered = await world.withQueue(prefix, 'chunks', (queue) =>
    Promise.all(
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
    ),
  );
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
}, 300_000);

test('a chunk whose workers die more often than maxStalledCount allows fails the run instead of hanging; nothing is written', async () => {
  const prefix = 'stall-limit';
  await world.reducer(prefix);
  const out = join(world.work, 'stall-limit.csv');
  // One chunk holding the whole dataset, so it runs long enough to be caught each time.
  const enqueue = world.ocpsum(
    world.enqueue('month', prefix, ['--threshold', '1000', '--chunk-rows', '1000000', '--out', out, '--wait']),
    { timeoutMs: 240_000 },
  );
  // maxStalledCount stalls are forgiven; the next one fails the chunk.
  for (let i = 0; i <= STALL.maxStalledCount; i++) {
    const worker = await world.worker(prefix, { name: `doomed-${i}` });
    await pollFor(`doomed-${i} working on the chunk`, () => jobInProgress(worker), { timeoutMs: 120_000 });
    worker.process.kill('SIGKILL');
  }
  // A live worker takes the chunk once more and finds it failed.
  await world.worker(prefix, { name: 'survivor' });
  const result = await enqueue;
  expect(result.code).not.toBe(0);
  const runId = firstLine(result.stdout);
  expect(result.stdout).toContain(`run ${runId}: failed`);
  expect(result.stdout).toMatch(/chunk 1\/1 .*stalled more than allowable limit/);
  expect((await world.record(prefix, runId))!.status).toBe('failed');
  expect(existsSync(out)).toBe(false);
}, 300_000);

test('a run that no worker serves fails at its deadline, saying how far it got', async () => {
  const prefix = 'deadline';
  await world.reducer(prefix);
  const out = join(world.work, 'deadline.csv');
  const result = await world.ocpsum(
    world.enqueue('month', prefix, ['--chunk-rows', '50000', '--deadline', '3', '--out', out, '--wait']),
    { timeoutMs: 60_000 },
  );
  expect(result.code).not.toBe(0);
  const runId = firstLine(result.stdout);
  expect(result.stdout).toContain(`run ${runId}: failed`);
  expect(result.stdout).toMatch(/deadline passed with 0\/\d+ chunks done \(status queued\); are workers running\?/);
  expect(existsSync(out)).toBe(false);
  // A worker that comes later refuses the failed run's chunks at once instead of working for nothing.
  const late = await world.worker(prefix, { name: 'late' });
  await pollFor('the late worker refusing the chunks', () => (/is failed/.test(late.output()) ? true : undefined), {
    timeoutMs: 30_000,
  });
  expect(existsSync(out)).toBe(false);
}, 300_000);
