/**
 * Several runs on one fleet at once. Two months of the same source in parallel: two runs, each with
 * its memory-mode rows. Ten sources enqueued at once onto 2 workers: every run correct, and Redis
 * stays bounded — partial aggregates are removed as each run ends; the peak of `used_memory`, sampled
 * every 100 ms, is printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { ACTIVE, queuePrefix } from '@ocpsum/fleet';
import { runSpec } from '@ocpsum/core';
import { generateSynthetic } from '@ocpsum/generate';
import { summarize } from '@ocpsum/kernel';
import { startRedis, stopChild, type Child, type RedisServer } from '@ocpsum/services';
import { writeOutputs } from '@ocpsum/sinks';
import { openStore } from '@ocpsum/storage';
import { expectSameCsv } from '../helpers/csv.js';
import {
  cliOk,
  firstLine,
  fleetArgs,
  pollFor,
  runRecord,
  sampleRedisMemory,
  startFleet,
  withRedis,
} from '../helpers/fleet-run.js';

const MONTHS_SOURCE = '8a6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const MONTHS = [9, 10];
const SOURCES = Array.from({ length: 10 }, (_, i) => `9b6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c${String(i).padStart(2, '0')}`);

let redis: RedisServer;
let work: string;
/** A local folder root: what is tested here is the queues and Redis, S3 is exercised by the other files. */
let root: string;
let children: Child[] = [];

const dataset = (source: string, month = 10) => [
  '--root',
  root,
  '--source',
  source,
  '--year',
  '2025',
  '--month',
  String(month),
];
const memoryCsv = (source: string, month = 10) => join(work, `memory-${source}-${month}.csv`);

beforeAll(async () => {
  redis = await startRedis();
  work = await mkdtemp(join(tmpdir(), 'ocpsum-concurrency-'));
  root = join(work, 'root');
  // Twelve datasets and their memory-mode summaries, made in this process (the same generator, kernel
  // and CSV sink as `ocpsum generate` and `ocpsum run --mode memory`) to spare 24 CLI start-ups.
  const prepare = async (source: string, rows: number, seed: number, month = 10) => {
    const id = { org: 'org1234567', source, year: 2025, month };
    await generateSynthetic({ outDir: root, id, rows, seed });
    const spec = runSpec(id);
    const store = openStore(root);
    try {
      const summary = await summarize({ store, spec, threads: 2 });
      try {
        await writeOutputs([memoryCsv(source, month)], summary, spec);
      } finally {
        summary.close();
      }
    } finally {
      await store.close();
    }
  };
  for (const month of MONTHS) await prepare(MONTHS_SOURCE, 100_000, 40 + month, month);
  for (const [i, source] of SOURCES.entries()) await prepare(source, 30_000, 60 + i);
}, 600_000);

afterEach(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  children = [];
});

afterAll(async () => {
  await redis?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('two months of one source enqueued in parallel onto one fleet: two runs, each equal to memory mode', async () => {
  const prefix = 'months';
  const fleet = await startFleet(redis.url, prefix, 2, {});
  children.push(...fleet.workers, fleet.coordinator);
  const results = await Promise.all(
    MONTHS.map((month) =>
      cliOk(
        [
          'enqueue',
          ...dataset(MONTHS_SOURCE, month),
          ...fleetArgs(redis.url, prefix),
          '--chunk-rows',
          '20000',
          '--out',
          join(work, `fleet-${month}.csv`),
          '--wait',
        ],
        {},
      ),
    ),
  );
  const ids = results.map((r) => firstLine(r.stdout));
  expect(new Set(ids).size).toBe(2);
  for (const [i, month] of MONTHS.entries()) {
    const run = (await runRecord(redis.url, prefix, ids[i]))!;
    expect(run.status).toBe('done');
    expect(run.month).toBe(`2025-${String(month).padStart(2, '0')}`);
    expect(run.mode).toBe('chunks');
    await expectSameCsv(join(work, `fleet-${month}.csv`), memoryCsv(MONTHS_SOURCE, month));
  }
}, 300_000);

test('10 runs of 10 sources enqueued at once onto 2 workers all complete correctly; Redis memory stays bounded', async () => {
  const prefix = 'load';
  const fleet = await startFleet(redis.url, prefix, 2, {});
  children.push(...fleet.workers, fleet.coordinator);
  const baseline = (await sampleRedisMemory(redis.url).stop()).peak;
  const memory = sampleRedisMemory(redis.url, 100);
  const started = Date.now();
  let runIds: string[] = [];
  let sampled = { peak: 0, samples: 0 };
  try {
    const enqueued = await Promise.all(
      SOURCES.map((source) =>
        cliOk(
          [
            'enqueue',
            ...dataset(source),
            ...fleetArgs(redis.url, prefix),
            '--threshold',
            '1000',
            '--chunk-rows',
            '10000',
            '--out',
            join(work, `fleet-${source}.csv`),
          ],
          {},
        ),
      ),
    );
    runIds = enqueued.map((r) => firstLine(r.stdout));
    await pollFor(
      'every run finished',
      async () => {
        const records = await Promise.all(runIds.map((id) => runRecord(redis.url, prefix, id)));
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
    const run = (await runRecord(redis.url, prefix, runIds[i]))!;
    expect(run.status, run.error).toBe('done');
    expect(run.chunks).toBeGreaterThanOrEqual(3);
    await expectSameCsv(join(work, `fleet-${source}.csv`), memoryCsv(source));
  }
  const partials = await withRedis(redis.url, (c) => c.keys(`${queuePrefix(prefix)}:run:*:partial:*`));
  expect(partials).toEqual([]);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `[redis memory] 10 runs × 30,000 rows on 2 workers in ${seconds.toFixed(1)} s: used_memory peak ${mb(peak)} ` +
      `(${samples} samples every 100 ms; ${mb(baseline)} before the runs)`,
  );
  expect(peak).toBeLessThan(200 * 2 ** 20);
}, 300_000);
