/**
 * Several runs on one fleet at once. Two months of the same source in parallel: two runs, each with
 * its memory-mode rows. Ten sources enqueued at once onto 2 workers: every run correct, and Redis
 * stays bounded — partial aggregates are removed as each run ends; the peak of `used_memory`, sampled
 * every 100 ms, is printed.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ACTIVE, queuePrefix } from '@ocpsum/fleet';
import { expectSameCsv } from '../helpers/csv.js';
import { firstLine, fleetWorld, pollFor, sampleRedisMemory, type DatasetSpec } from '../helpers/fleet.js';

const MONTHS = [9, 10];
const SOURCES = Array.from({ length: 10 }, (_, i) => `source-${i}`);
// A local folder root: what is tested here is the queues and Redis, S3 is exercised by the other files.
const world = fleetWorld<string>(
  'concurrency',
  {
    months: { rows: 100_000, seed: 49, months: MONTHS, memory: true },
    ...Object.fromEntries(
      SOURCES.map((name, i): [string, DatasetSpec] => [name, { rows: 30_000, seed: 60 + i, memory: true }]),
    ),
  },
  { s3: false },
);

test('two months of one source enqueued in parallel onto one fleet: two runs, each equal to memory mode', async () => {
  const prefix = 'months';
  await world.startFleet(prefix, 2);
  const results = await Promise.all(
    MONTHS.map((month) =>
      world.cli(
        world.enqueue(
          'months',
          prefix,
          ['--chunk-rows', '20000', '--out', join(world.work, `fleet-${month}.csv`), '--wait'],
          { month },
        ),
      ),
    ),
  );
  const ids = results.map((r) => firstLine(r.stdout));
  expect(new Set(ids).size).toBe(2);
  for (const [i, month] of MONTHS.entries()) {
    const run = (await world.record(prefix, ids[i]))!;
    expect(run.status).toBe('done');
    expect(run.month).toBe(`2025-${String(month).padStart(2, '0')}`);
    expect(run.mode).toBe('chunks');
    await expectSameCsv(join(world.work, `fleet-${month}.csv`), world.memoryCsv('months', month));
  }
}, 300_000);

test('10 runs of 10 sources enqueued at once onto 2 workers all complete correctly; Redis memory stays bounded', async () => {
  const prefix = 'load';
  await world.startFleet(prefix, 2);
  const baseline = (await sampleRedisMemory(world.redis.url).stop()).peak;
  const memory = sampleRedisMemory(world.redis.url, 100);
  const started = Date.now();
  let runIds: string[] = [];
  let sampled = { peak: 0, samples: 0 };
  try {
    const enqueued = await Promise.all(
      SOURCES.map((source) =>
        world.cli(
          world.enqueue(source, prefix, [
            '--threshold',
            '1000',
            '--chunk-rows',
            '10000',
            '--out',
            join(world.work, `fleet-${source}.csv`),
          ]),
        ),
      ),
    );
    runIds = enqueued.map((r) => firstLine(r.stdout));
    await pollFor(
      'every run finished',
      async () => {
        const records = await Promise.all(runIds.map((id) => world.record(prefix, id)));
        return records.every((r) => r && !ACTIVE.includes(r.status)) ? true : undefined;
      },
      { timeoutMs: 240_000, everyMs: 250 },
    );
  } finally {
    sampled = await memory.stop();
  }
  const { peak, samples } = sampled;
  const seconds = (Date.now() - started) / 1000;

  expect(new Set(runIds).size).toBe(10);
  for (const [i, source] of SOURCES.entries()) {
    const run = (await world.record(prefix, runIds[i]))!;
    expect(run.status, run.error).toBe('done');
    expect(run.chunks).toBeGreaterThanOrEqual(3);
    await expectSameCsv(join(world.work, `fleet-${source}.csv`), world.memoryCsv(source));
  }
  const partials = await world.keys(`${queuePrefix(prefix)}:run:*:partial:*`);
  expect(partials).toEqual([]);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `[redis memory] 10 runs × 30,000 rows on 2 workers in ${seconds.toFixed(1)} s: used_memory peak ${mb(peak)} ` +
      `(${samples} samples every 100 ms; ${mb(baseline)} before the runs)`,
  );
  expect(peak).toBeLessThan(200 * 2 ** 20);
}, 300_000);
