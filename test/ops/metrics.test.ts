/**
 * /metrics and /healthz of running `ocpsum worker` and `ocpsum reducer` processes, over HTTP:
 * counters move when a run completes, queue depths are read from Redis, health follows Redis, and
 * no secret reaches the logs.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { expectSameCsv } from '../helpers/csv.js';
import { firstLine, fleetWorld, pollFor } from '../helpers/fleet.js';
import { get, sample } from '../helpers/ops.js';

const REDIS_PASSWORD = 'redis-pw-Zk41';

const world = fleetWorld('metrics', { month: { rows: 120_000, seed: 31, memory: true } });

test('worker and reducer: healthz 200, counters move when a run completes, healthz 503 while Redis is down', async () => {
  // A password in the URL (this redis-server has none; the client only warns): it must never be logged.
  const redisUrl = world.redis.url.replace('redis://', `redis://:${REDIS_PASSWORD}@`);
  const fleet = world.fleet('metrics', redisUrl);
  const worker = await world.start('worker', [...fleet, '--threads', '2']);
  const reducer = await world.start('reducer', fleet);
  for (const process of [worker, reducer])
    expect(process.output()).toContain(`redis://:***@127.0.0.1:${world.redis.port}`);

  for (const process of [worker, reducer]) {
    expect(process.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${process.opsUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ redis: 'ok' });
    const metrics = await get(`${process.opsUrl}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(sample(metrics.text, 'ocpsum_chunks_processed_total')).toBe(0);
    expect(sample(metrics.text, 'ocpsum_runs_completed_total{status="done"}')).toBe(0);
  }

  const out = join(world.work, 'fleet.csv');
  const enqueue = world.enqueue(
    'month',
    'metrics',
    ['--threshold', '0', '--chunk-rows', '20000', '--out', out, '--wait'],
    {
      redisUrl,
    },
  );
  const { stdout } = await world.cli(enqueue);
  await expectSameCsv(out, world.memoryCsv('month'));
  const run = (await world.record('metrics', firstLine(stdout)))!;
  expect(run.status).toBe('done');

  // The worker did every chunk: one count, one duration and its rows per chunk.
  const workerMetrics = (await get(`${worker.opsUrl}/metrics`)).text;
  expect(sample(workerMetrics, 'ocpsum_chunks_processed_total')).toBe(run.chunks);
  expect(sample(workerMetrics, 'ocpsum_chunk_duration_seconds_count')).toBe(run.chunks);
  expect(sample(workerMetrics, 'ocpsum_rows_processed_total')).toBe(run.report!.chunks.reduce((n, c) => n + c.rows, 0));
  expect(sample(workerMetrics, 'ocpsum_rows_processed_total')).toBeGreaterThanOrEqual(120_000);
  expect(sample(workerMetrics, 'ocpsum_job_failures_total{queue="chunks"}')).toBe(0);

  // The reducer recorded the verdict: the run counts there, with its duration.
  const reducerMetrics = (await get(`${reducer.opsUrl}/metrics`)).text;
  expect(sample(reducerMetrics, 'ocpsum_runs_completed_total{status="done"}')).toBe(1);
  expect(sample(reducerMetrics, 'ocpsum_runs_completed_total{status="failed"}')).toBe(0);
  expect(sample(reducerMetrics, 'ocpsum_run_duration_seconds_count')).toBe(1);
  expect(sample(reducerMetrics, 'ocpsum_run_duration_seconds_sum')).toBeGreaterThan(0);
  // Queue depths, read from Redis at scrape time (completed jobs are kept for a day).
  expect(sample(reducerMetrics, 'ocpsum_queue_depth{queue="chunks",state="completed"}')).toBe(run.chunks);
  expect(sample(reducerMetrics, 'ocpsum_queue_depth{queue="reduce",state="completed"}')).toBe(1);
  expect(sample(reducerMetrics, 'ocpsum_queue_depth{queue="chunks",state="waiting"}')).toBe(0);
  expect(sample(reducerMetrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);

  // Structured logs: the ready line, then one JSON line per job event, with run, chunk and worker id.
  const lines = jsonLines(worker.output());
  const completed = lines.find((l) => l.event === 'job.completed' && l.queue === 'chunks');
  expect(completed).toMatchObject({
    level: 'info',
    role: 'worker',
    runId: run.runId,
    process: expect.stringMatching(/:\d+$/),
  });
  expect(typeof completed!.chunk).toBe('number');
  expect(typeof completed!.durationMs).toBe('number');
  const reduced = jsonLines(reducer.output()).filter((l) => l.event === 'run.finished');
  expect(reduced).toEqual([expect.objectContaining({ runId: run.runId, status: 'done', role: 'reducer' })]);
  for (const process of [worker, reducer]) {
    expect(process.output()).not.toContain(REDIS_PASSWORD);
    expect(process.output()).not.toContain(world.s3.secretAccessKey);
  }

  // Redis goes away: both report 503 at once (no waiting on a dead connection), and 200 once it is back.
  const admin = new Redis(world.redis.url, { retryStrategy: () => null });
  await admin.call('SHUTDOWN', 'NOSAVE').catch(() => {}); // the connection drops as the server exits
  admin.disconnect();
  for (const process of [worker, reducer]) {
    const health = await pollFor(
      `${process.name} reporting Redis down`,
      async () => {
        const h = await get(`${process.opsUrl}/healthz`);
        return h.status === 503 ? h : undefined;
      },
      { timeoutMs: 20_000, everyMs: 200 },
    );
    expect(JSON.parse(health.text)).toMatchObject({ redis: 'unreachable' });
    // A scrape still answers, without queue depths.
    const metrics = await get(`${process.opsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(sample(metrics.text, 'ocpsum_queue_depth{queue="chunks",state="completed"}')).toBeUndefined();
  }
  await world.redis.restart();
  for (const process of [worker, reducer]) {
    await pollFor(
      `${process.name} reporting Redis back`,
      async () => (await get(`${process.opsUrl}/healthz`)).status === 200 || undefined,
      { timeoutMs: 20_000, everyMs: 200 },
    );
  }
});

/** The complete JSON log lines of a process's output tail (its first line may be cut). */
function jsonLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
