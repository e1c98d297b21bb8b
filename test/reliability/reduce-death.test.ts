/**
 * Deaths at the end of a large run. A worker SIGKILLed while it reduces a day: the day job stalls,
 * another worker takes it and the run completes. The reducer SIGKILLed while it commits the
 * outputs over a previous output: the previous output stays whole, a new reducer commits, and
 * the sinks hold one copy of the rows (the CSV equals memory mode; each day folder of the Parquet
 * output holds one object). A parent of the chunks delivered again does not start the day reduces
 * twice, and a commit job delivered again after its run was recorded done changes nothing.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Job, type Queue } from 'bullmq';
import { expect, test } from 'vitest';
import { queuePrefix } from '@ocpsum/fleet';
import { expectSameCsv, readCsv } from '../helpers/csv.js';
import { firstLine, fleetWorld, jobInProgress, pollFor } from '../helpers/fleet.js';
import { parquetSummary } from '../helpers/parquet.js';

const PREFIX = 'reduce-death';
const world = fleetWorld('reduce-death', { month: { rows: 200_000, seed: 31, memory: true } });
/** The last run, reused by the last test. */
let finished: { runId: string; csv: string; folder: string } | undefined;

const withQueue = <T>(name: string, use: (queue: Queue) => Promise<T>) => world.withQueue(PREFIX, name, use);

/** Day folder → the visible objects in it (what a reader of the Parquet output sees). */
async function dayObjects(folder: string): Promise<Map<string, string[]>> {
  const month = join(folder, `source=${world.source('month')}`, 'year=2025', 'month=10');
  const days = new Map<string, string[]>();
  for (const day of (await readdir(month)).sort()) {
    days.set(
      day,
      (await readdir(join(month, day))).filter((name) => !name.startsWith('.')),
    );
  }
  return days;
}

/** Enqueues the run (CSV and Parquet-by-day outputs) on `workers` workers and a reducer. */
async function startRun(workers: number) {
  const fleet = await world.startFleet(PREFIX, workers);
  const csv = join(world.work, 'fleet.csv');
  const folder = join(world.work, 'by-day');
  const enqueue = world.ocpsum(
    world.enqueue('month', PREFIX, ['--chunk-rows', '8000', '--out', csv, '--out', `${folder}/`, '--wait']),
    { timeoutMs: 240_000 },
  );
  return { fleet, csv, folder, enqueue };
}

/** The run ended well: one copy of the rows in each sink, nothing left behind; resolves with its record. */
async function expectOneCopy(run: Awaited<ReturnType<typeof startRun>>) {
  const result = await run.enqueue;
  expect(result.code, result.stderr + result.stdout).toBe(0);
  const runId = firstLine(result.stdout);
  const record = (await world.record(PREFIX, runId))!;
  expect(record.status).toBe('done');
  const rows = await expectSameCsv(run.csv, world.memoryCsv('month'));
  const days = await dayObjects(run.folder);
  expect(days.size).toBe(31);
  for (const [day, objects] of days) expect(objects, day).toHaveLength(1);
  expect((await parquetSummary(join(run.folder, '**', '*.parquet'))).rows).toBe(rows);
  expect(record.report!.days.flatMap((d) => d.days)).toHaveLength(31);
  // No partial aggregate or staged output outlives its run.
  expect(await world.keys(`${queuePrefix(PREFIX)}:run:*:partial:*`)).toEqual([]);
  expect(await world.keys(`${queuePrefix(PREFIX)}:run:*:staged:*`)).toEqual([]);
  expect((await readdir(world.work)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  return record;
}

test('a worker SIGKILLed while it reduces a day: another worker takes the day again and the run completes', async () => {
  const run = await startRun(2);
  // Kill a worker as soon as its log says it started a day reduce; make sure the job was still active.
  let killed: { jobId: string; at: number } | undefined;
  for (let attempt = 0; attempt < 5 && !killed; attempt++) {
    const live = run.fleet.workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
    const [worker, jobId] = await pollFor(
      'a worker reducing a day',
      () => {
        for (const w of live) {
          const job = jobInProgress(w);
          if (job?.includes('.days-')) return [w, job] as const;
        }
        return undefined;
      },
      { timeoutMs: 180_000, everyMs: 5 },
    );
    worker.process.kill('SIGKILL');
    const at = Date.now();
    await world.worker(PREFIX, { name: `replacement-${attempt}` });
    const job = await withQueue('days', async (queue) => Job.fromId(queue, jobId));
    if (!job?.finishedOn || job.finishedOn > at) killed = { jobId, at };
  }
  expect(killed, 'a day reduce was killed while it ran').toBeDefined();
  const record = await expectOneCopy(run);
  const day = await withQueue('days', async (queue) => (await Job.fromId(queue, killed!.jobId))!);
  expect(day.stalledCounter, 'the day job was taken again after the kill').toBeGreaterThanOrEqual(1);
  expect(day.finishedOn).toBeGreaterThan(killed!.at);
  console.log(
    `[day reduce death] ${killed!.jobId.split('.').at(-1)} taken again ${((day.processedOn! - killed!.at) / 1000).toFixed(1)} s ` +
      `after the kill; run of ${record.chunks} chunks and 31 days took ${((record.finishedAt! - record.createdAt) / 1000).toFixed(1)} s`,
  );
}, 300_000);

test('the reducer SIGKILLed while it commits over a previous output: that output stays whole, a new reducer commits once', async () => {
  // The same run again (a new attempt of the same run id) over the outputs of the previous test.
  const csv = join(world.work, 'fleet.csv');
  expect(existsSync(csv), 'needs the output of the previous test').toBe(true);
  const run = await startRun(2);
  const { reducer } = run.fleet;
  await pollFor(
    'the CSV being committed',
    () => (existsSync(`${csv}.${hostname()}.${reducer.process.pid}.tmp`) ? true : undefined),
    { timeoutMs: 180_000, everyMs: 2 },
  );
  reducer.process.kill('SIGKILL');
  const killedAt = Date.now();
  // Mid-publish, readers still see the previous output, whole.
  await expectSameCsv(csv, world.memoryCsv('month'));
  await world.reducer(PREFIX, { name: 'reducer-again' });

  const record = await expectOneCopy(run);
  const commit = await withQueue(
    'commit',
    async (queue) => (await Job.fromId(queue, `${record.runId}.${record.attempt}.commit`))!,
  );
  expect(commit.stalledCounter, 'the commit job was taken again after the kill').toBe(1);
  console.log(
    `[commit death] the new reducer took the commit job ${((commit.processedOn! - killedAt) / 1000).toFixed(1)} s ` +
      `after the kill and finished it in ${((commit.finishedOn! - commit.processedOn!) / 1000).toFixed(1)} s`,
  );
  finished = { runId: record.runId, csv, folder: run.folder };
}, 300_000);

/** Delivers a completed job of `queue` again, as BullMQ does when its process died before the completion was recorded. */
async function deliverAgain(queue: string, jobId: string) {
  const again = Date.now();
  const job = await withQueue(queue, async (q) => {
    const job = (await Job.fromId(q, jobId))!;
    await job.retry('completed');
    const state = await pollFor(
      `the ${queue} job finished again`,
      async () => {
        const state = await job.getState();
        return state === 'completed' || state === 'failed' ? state : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100 },
    );
    return { state, job: (await Job.fromId(q, jobId))! };
  });
  expect(job.job.processedOn, `the ${queue} job ran again`).toBeGreaterThanOrEqual(again);
  expect(job.state, job.job.failedReason).toBe('completed');
}

test('a parent of the chunks or a commit job delivered again after the run was recorded done changes nothing', async () => {
  expect(finished, 'needs the run of the previous test').toBeDefined();
  const { runId, csv, folder } = finished!;
  await world.startFleet(PREFIX, 1);
  const dayJobs = () =>
    withQueue('days', async (queue) =>
      (await queue.getJobs(['completed', 'waiting', 'active', 'failed', 'delayed']))
        .map((j) => `${j.id} ${j.finishedOn}`)
        .sort(),
    );
  const before = {
    csv: (await stat(csv)).mtimeMs,
    days: await dayObjects(folder),
    record: await world.record(PREFIX, runId),
    dayJobs: await dayJobs(),
  };
  const { attempt } = before.record!;
  await deliverAgain('reduce', `${runId}.${attempt}`);
  await deliverAgain('commit', `${runId}.${attempt}.commit`);

  expect(await dayJobs(), 'no day reduce ran again').toEqual(before.dayJobs);
  const after = await world.record(PREFIX, runId);
  expect(after!.status).toBe('done');
  expect(after).toEqual(before.record);
  expect((await stat(csv)).mtimeMs).toBe(before.csv);
  expect(await dayObjects(folder)).toEqual(before.days);
  const { rows } = await readCsv(csv);
  expect(rows.length).toBeGreaterThan(0);
}, 300_000);
