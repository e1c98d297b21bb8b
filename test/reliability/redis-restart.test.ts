/**
 * Redis restarted in the middle of a run. Without persistence the run's state is gone: the run
 * fails loudly and nothing is written. With persistence (AOF) the run completes with the same rows
 * as a clean run, and after a SIGKILL of Redis too, where chunks are delivered again: each chunk
 * counts once in the run's progress. Never a silently wrong result.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { STALL } from '@ocpsum/fleet';
import { startRedis, type RedisServer, type RestartOptions } from '@ocpsum/services';
import { expectSameCsv } from '../helpers/csv.js';
import { chunksProgressed, firstLine, fleetWorld, runRecord, withQueue } from '../helpers/fleet.js';

// Each test starts its own redis-server, with or without persistence.
const world = fleetWorld('restart', { month: { rows: 200_000, seed: 11, memory: true } }, { redis: false });

async function restartMidRun(persistence: boolean, restart: RestartOptions = {}) {
  const redis: RedisServer = await startRedis({ persistence });
  try {
    const fleet = await world.startFleet('restart', 2, { redisUrl: redis.url });
    const out = join(world.work, `fleet-${persistence}-${restart.kill ?? false}.csv`);
    const enqueue = world.ocpsum(
      world.enqueue('month', 'restart', ['--chunk-rows', '20000', '--deadline', '120', '--out', out, '--wait'], {
        redisUrl: redis.url,
      }),
      { timeoutMs: 240_000 },
    );
    await chunksProgressed(redis.url, 'restart', 2);
    await redis.restart(restart);
    const result = await enqueue;
    // The fleet itself survives: the processes are still up after the restart.
    expect([...fleet.workers, fleet.reducer].every((c) => !c.exited())).toBe(true);
    const record = result.code === 0 ? await runRecord(redis.url, 'restart', firstLine(result.stdout)) : null;
    // Chunk jobs taken again after their lock expired.
    const stalled = await withQueue(
      redis.url,
      'restart',
      'chunks',
      async (queue) => (await queue.getJobs(['completed'])).filter((job) => job.stalledCounter > 0).length,
    );
    return { result, out, record, stalled };
  } finally {
    await world.stopProcesses();
    await redis.stop();
  }
}

test('without persistence the run fails loudly and writes nothing', async () => {
  const { result, out } = await restartMidRun(false);
  expect(result.code).not.toBe(0);
  expect(result.stderr + result.stdout).toMatch(/vanished from Redis while in progress|not found/);
  expect(existsSync(out)).toBe(false);
});

test('with persistence (AOF) the run completes with the clean rows', async () => {
  const { result, out } = await restartMidRun(true);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  expect(result.stdout).toMatch(/: done/);
  await expectSameCsv(out, world.memoryCsv('month'));
});

test('Redis SIGKILLed mid-run with AOF: the run completes with the clean rows, each chunk counted once', async () => {
  // Down longer than a job's lock lasts: the chunks that were running come back through the
  // stalled-job check and are delivered again.
  const { result, out, record, stalled } = await restartMidRun(true, {
    kill: true,
    downMs: STALL.lockDuration + 2_000,
  });
  expect(result.code, result.stderr + result.stdout).toBe(0);
  expect(stalled, 'chunks delivered again').toBeGreaterThan(0);
  await expectSameCsv(out, world.memoryCsv('month'));
  expect(record!.status).toBe('done');
  expect(record!.chunksDone).toBe(record!.chunks);
  expect(result.stdout).toContain(`: done (chunks, ${record!.chunks}/${record!.chunks} chunks`);
  // The report lists each chunk once.
  expect(record!.report!.chunks.map((c) => c.chunk)).toEqual(Array.from({ length: record!.chunks }, (_, i) => i));
}, 300_000);
