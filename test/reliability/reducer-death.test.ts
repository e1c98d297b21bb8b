/**
 * The coordinator (the reducer) killed with SIGKILL while it merges partials, and while it writes the sinks. The
 * reduce job stalls, a new coordinator takes it again and finishes the run: the sinks hold one copy
 * of the rows (the CSV equals memory mode; each day folder of the Parquet output holds one object).
 * A reduce job delivered again after its run was recorded done (the reducer died between recording
 * the run and BullMQ hearing of it) changes nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { queuePrefix } from '@ocpsum/fleet';
import { startRedis, startS3, stopChild, type Child, type RedisServer, type S3Server } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { expectSameCsv, readCsv } from '../helpers/csv.js';
import {
  cliOk,
  firstLine,
  fleetArgs,
  pollFor,
  runRecord,
  s3Env,
  startCoordinator,
  startFleet,
  withRedis,
} from '../helpers/fleet-run.js';

const SOURCE = '6e6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const ROOT = 's3://ocpsum/reducer-death';
const PREFIX = 'reducer';
const dataset = ['--root', ROOT, '--source', SOURCE, '--year', '2025', '--month', '10'];

let redis: RedisServer;
let s3: S3Server;
let env: NodeJS.ProcessEnv;
let work: string;
const children: Child[] = [];
/** The last run, reused by the last test. */
let finished: { runId: string; csv: string; folder: string } | undefined;

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3()]);
  env = s3Env(s3);
  work = await mkdtemp(join(tmpdir(), 'ocpsum-reducer-death-'));
  await cliOk(['generate', '--out', ROOT, '--rows', '200000', '--source', SOURCE, '--seed', '31'], env);
  await cliOk(['run', '--mode', 'memory', ...dataset, '--out', join(work, 'memory.csv')], env);
}, 300_000);

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  await Promise.all([redis?.stop(), s3?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

const withQueue = <T>(name: string, use: (queue: Queue) => Promise<T>) =>
  withRedis(redis.url, async (client) => {
    const queue = new Queue(name, { connection: client, prefix: queuePrefix(PREFIX) });
    try {
      return await use(queue);
    } finally {
      await queue.close();
    }
  });

/** Day folder → the visible objects in it (what a reader of the Parquet output sees). */
async function dayObjects(folder: string): Promise<Map<string, string[]>> {
  const month = join(folder, `source=${SOURCE}`, 'year=2025', 'month=10');
  const days = new Map<string, string[]>();
  for (const day of (await readdir(month)).sort()) {
    days.set(
      day,
      (await readdir(join(month, day))).filter((name) => !name.startsWith('.')),
    );
  }
  return days;
}

async function parquetRows(folder: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const glob = join(folder, '**', '*.parquet').replaceAll("'", "''");
    const reader = await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${glob}')`);
    return reader.getRowObjects()[0].n as number;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/**
 * Enqueues the run (CSV and Parquet-by-day outputs) on 2 workers and a coordinator, SIGKILLs the
 * coordinator once `when` says so, starts another, and checks the sinks hold one copy of the rows.
 */
async function killReducer(phase: 'merge' | 'sink', when: (coordinator: Child) => Promise<unknown>) {
  const fleet = await startFleet(redis.url, PREFIX, 2, env);
  children.push(...fleet.workers, fleet.coordinator);
  const csv = join(work, 'fleet.csv');
  const folder = join(work, 'by-day');
  const enqueue = ocpsum(
    [
      'enqueue',
      ...dataset,
      ...fleetArgs(redis.url, PREFIX),
      '--chunk-rows',
      '8000',
      '--out',
      csv,
      '--out',
      `${folder}/`,
      '--wait',
    ],
    { env, timeoutMs: 240_000 },
  );
  await when(fleet.coordinator);
  fleet.coordinator.process.kill('SIGKILL');
  const killedAt = Date.now();
  // The sinks are written aside first: the CSV's temporary file says whether the kill came before or during that.
  const writing = existsSync(`${csv}.${hostname()}.${fleet.coordinator.process.pid}.tmp`);
  expect(writing, `killed during the ${phase} phase`).toBe(phase === 'sink');
  children.push(await startCoordinator(redis.url, PREFIX, 'coordinator-again', env));

  const result = await enqueue;
  expect(result.code, result.stderr + result.stdout).toBe(0);
  const runId = firstLine(result.stdout);
  const run = (await runRecord(redis.url, PREFIX, runId))!;
  expect(run.status).toBe('done');
  const reduce = await withQueue('reduce', async (queue) => (await Job.fromId(queue, `${runId}.${run.attempt}`))!);
  expect(reduce.stalledCounter, 'the reduce job was taken again after the kill').toBe(1);

  const rows = await expectSameCsv(csv, join(work, 'memory.csv'));
  const days = await dayObjects(folder);
  expect(days.size).toBe(31);
  for (const [day, objects] of days) expect(objects, day).toHaveLength(1);
  expect(await parquetRows(folder)).toBe(rows);
  // No partial aggregate outlives its run.
  expect(await withRedis(redis.url, (c) => c.keys(`${queuePrefix(PREFIX)}:run:*:partial:*`))).toEqual([]);
  // The new coordinator wrote the same files, and tidied after the dead one.
  expect((await readdir(work)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  console.log(
    `[reducer death] killed ${phase === 'merge' ? 'while merging the partials' : 'while writing the sinks'}; the new coordinator took the reduce job ` +
      `${((reduce.processedOn! - killedAt) / 1000).toFixed(1)} s after the kill and finished it in ` +
      `${((reduce.finishedOn! - reduce.processedOn!) / 1000).toFixed(1)} s`,
  );
  await Promise.all(children.splice(0).map((c) => stopChild(c)));
  finished = { runId, csv, folder };
}

test('coordinator SIGKILLed while it merges the partials: a new coordinator finishes the run, one copy in each sink', async () => {
  await killReducer('merge', () =>
    withQueue('reduce', (queue) =>
      pollFor('the reduce job active', async () => ((await queue.getActiveCount()) > 0 ? true : undefined), {
        timeoutMs: 180_000,
        everyMs: 10,
      }),
    ),
  );
}, 240_000);

test('coordinator SIGKILLed while it writes the sinks over a previous output: still one copy in each sink', async () => {
  // The same run again (a new attempt of the same run id) over the outputs of the previous test.
  const csv = join(work, 'fleet.csv');
  expect(existsSync(csv), 'needs the output of the previous test').toBe(true);
  await killReducer('sink', (coordinator) =>
    pollFor(
      'the CSV being written',
      () => (existsSync(`${csv}.${hostname()}.${coordinator.process.pid}.tmp`) ? true : undefined),
      {
        timeoutMs: 180_000,
        everyMs: 2,
      },
    ),
  );
}, 240_000);

test('a reduce job delivered again after its run was recorded done leaves the run done and the sinks untouched', async () => {
  expect(finished, 'needs the run of the previous test').toBeDefined();
  const { runId, csv, folder } = finished!;
  children.push(await startCoordinator(redis.url, PREFIX, 'coordinator-3', env));
  const before = {
    csv: (await stat(csv)).mtimeMs,
    days: await dayObjects(folder),
    record: await runRecord(redis.url, PREFIX, runId),
  };

  // What BullMQ does when the reducer dies after recording the run and removing the partials but before
  // the job is marked completed: the job is processed again.
  const again = Date.now();
  const reduce = await withQueue('reduce', async (queue) => {
    const job = (await Job.fromId(queue, `${runId}.${before.record!.attempt}`))!;
    await job.retry('completed');
    const state = await pollFor(
      'the reduce job finished again',
      async () => {
        const state = await job.getState();
        return state === 'completed' || state === 'failed' ? state : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100 },
    );
    return { state, job: (await Job.fromId(queue, job.id!))! };
  });
  expect(reduce.job.processedOn, 'the reduce job ran again').toBeGreaterThanOrEqual(again);
  expect(reduce.state, reduce.job.failedReason).toBe('completed');

  const after = await runRecord(redis.url, PREFIX, runId);
  expect(after!.status).toBe('done');
  expect(after).toEqual(before.record);
  expect((await stat(csv)).mtimeMs).toBe(before.csv);
  expect(await dayObjects(folder)).toEqual(before.days);
  const { rows } = await readCsv(csv);
  expect(rows.length).toBeGreaterThan(0);
}, 120_000);
