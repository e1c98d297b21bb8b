import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FlowProducer, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '@ocpsum/core';
import { Redis } from 'ioredis';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  createPartial,
  dropPartial,
  kernelPartial,
  loadChunk,
  mergePartials,
  openEngine,
  partialParts,
  partName,
  runKernel,
  stopwatch,
  writePartialFile,
  type Chunk,
  type Engine,
} from '@ocpsum/kernel';
import { commitRun, finalizePart, type DayReport } from './completion.js';
import { jobSchema, scratchFolder } from './job-scratch.js';
import { collectGarbage } from './heap.js';
import { QUEUES, partialKey, queuePrefix, runWindowKey, stagedKey, stagingId } from './names.js';
import { attemptFailed, notify, observed, type FleetEvents } from './events.js';
import {
  chunkJobSchema,
  chunkReportSchema,
  commitJobSchema,
  dayJobSchema,
  parsePayload,
  reduceJobSchema,
  wholeJobSchema,
  type ChunkJob,
  type ChunkReport,
  type WholeJob,
} from './payloads.js';
import { describeDays, planDayGroups } from './plan.js';
import { peakRssBytes } from './peak-rss.js';
import { PROCESS_ID } from './process-id.js';
import { getFile, putFile } from './redis-files.js';
import { RunRecords } from './run-records.js';
import { StoreCache } from './store-cache.js';
import { STALL } from './stall.js';

export interface FleetWorkerOptions {
  redisUrl: string;
  prefix: string;
  /** DuckDB threads of this process. */
  threads: number;
  /** DuckDB's memory limit in this process (`512MB`), past which its work spills; DuckDB's default when absent. */
  memoryLimit?: string;
  /** Kernels run at once; one more job is taken so its download overlaps the running kernel. */
  concurrency: number;
  /** Seconds a partial aggregate (and a day's staged outputs) stays in Redis. */
  partialTtl: number;
  /** Observers of jobs and runs (logs, metrics). */
  events?: FleetEvents;
}

/**
 * A stateless worker process: runs the kernel over `chunks` jobs (partial → Redis), starts the day
 * reduces of runs whose chunks are done (`reduce` jobs), reduces `days` jobs (a day's partials →
 * its staged outputs → Redis), and runs `whole` jobs (kernel, finalize and the outputs' commit in
 * one process).
 */
export class FleetWorker {
  private readonly redis: Redis;
  private readonly records: RunRecords;
  private readonly stores = new StoreCache();
  private readonly workers: Worker[] = [];
  private readonly kernels: LimitFunction;
  private readonly flows: FlowProducer;
  private readonly days: Queue;

  private constructor(
    private readonly options: FleetWorkerOptions,
    private readonly engine: Engine,
  ) {
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.records = new RunRecords(this.redis, options.prefix);
    this.kernels = pLimit(options.concurrency);
    this.flows = new FlowProducer({ connection: this.redis, prefix: queuePrefix(options.prefix) });
    this.days = new Queue(QUEUES.days, { connection: this.redis, prefix: queuePrefix(options.prefix) });
    const common = {
      connection: this.redis,
      prefix: queuePrefix(options.prefix),
      // The extra job downloads its objects while a kernel runs, so a worker does not wait for its fetches.
      concurrency: options.concurrency + 1,
      ...STALL,
    };
    const { events } = options;
    const serve = <T>(queue: string, work: (job: Job) => Promise<T>, rowsOf?: (result: T) => number | undefined) =>
      new Worker(queue, (job) => observed(events, queue, job, () => failInputAtOnce(() => work(job)), rowsOf), common);
    this.workers.push(
      serve(QUEUES.chunks, (job) => this.chunk(job), (report) => report.rows),
      serve(QUEUES.reduce, (job) => this.reduce(job)),
      serve(QUEUES.days, (job) => this.day(job)),
      serve(QUEUES.whole, (job) => this.whole(job), (rows) => rows),
    );
    for (const w of this.workers) {
      w.on('failed', (job, error) => job && void attemptFailed(this.records, events, w.name, job, error));
      if (events?.error) w.on('error', (error) => notify(events, 'error', `${w.name} worker`, error));
    }
  }

  static async start(options: FleetWorkerOptions): Promise<FleetWorker> {
    // Chunk after chunk: freed memory goes back at once rather than waiting for the next query, which
    // bounds a worker's memory for some kernel time (README, "The fleet", has both).
    const { threads, memoryLimit } = options;
    const worker = new FleetWorker(options, await openEngine(threads, { memoryLimit, releaseFreedMemory: true }));
    await Promise.all(worker.workers.map((w) => w.waitUntilReady()));
    return worker;
  }

  private async chunk(job: Job): Promise<ChunkReport> {
    const data = parsePayload(chunkJobSchema, job.data, `chunk job ${job.id}`);
    await this.refuseFinished(data);
    await this.records.setStatus(data.runId, 'running');
    const schema = jobSchema(job);
    const { fetchMs, kernelMs, result } = await this.kernel(data, async (chunk) => {
      const db = await this.engine.connect();
      try {
        await createPartial(db, schema);
        await runKernel(() => this.engine.connect(), chunk, data.spec, schema);
        return await this.shipPartial(db, schema, data.runId, data.chunk);
      } finally {
        await dropPartial(db, schema).catch(() => undefined);
        db.closeSync();
      }
    });
    await this.records.chunkDone(data.runId, data.chunk);
    return {
      chunk: data.chunk,
      worker: PROCESS_ID,
      rows: result.rows,
      fetchMs,
      kernelMs,
      days: result.days,
      partialBytes: result.bytes,
      peakRssBytes: peakRssBytes(),
      doneAt: Date.now(),
    };
  }

  /**
   * Puts each day of a chunk's partial into Redis as one Parquet object, and its window tables as
   * one more; a retry of the chunk overwrites the same keys. Resolves with the days, the bytes sent
   * and the input rows read.
   */
  private async shipPartial(db: DuckDBConnection, schema: string, runId: string, chunk: number) {
    const parts = await partialParts(db, schema);
    const days = parts.flatMap((p) => (p === 'window' ? [] : [p.day]));
    const folder = await scratchFolder(schema);
    let bytes = 0;
    try {
      for (const part of parts) {
        const name = partName(part);
        const file = join(folder, `${name}.parquet`);
        await writePartialFile(db, schema, part, file);
        bytes += await putFile(
          this.redis,
          partialKey(this.options.prefix, runId, chunk, name),
          file,
          this.options.partialTtl,
        );
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const rows = (
      await db.runAndReadAll(
        `SELECT coalesce(sum(pod + storage + node_labels + namespace_labels), 0)::DOUBLE AS n FROM ${schema}.rows_in`,
      )
    ).getColumnsObjectJS().n[0] as number;
    return { days, bytes, rows };
  }

  /**
   * The parent of a large run's chunks, run once they are all done: merges every chunk's window
   * tables once for all day reduces, then starts the run's second flow, day reduces (each over
   * consecutive days, planDayGroups) under a commit job. A parent delivered again finds the merged
   * window in Redis and adds nothing that is there already: the flow's job ids are the parent's.
   */
  private async reduce(job: Job): Promise<void> {
    const data = parsePayload(reduceJobSchema, job.data, `reduce job ${job.id}`);
    await this.refuseFinished(data);
    if ((await this.records.get(data.runId))?.status === 'done') return;
    await this.records.setStatus(data.runId, 'reducing');
    const chunks = Object.values(await job.getChildrenValues()).map((value, i) =>
      parsePayload(chunkReportSchema, value, `report of chunk ${i} of reduce job ${job.id}`),
    );
    // The parent's job id is `{runId}.{attempt}` (coordinator.ts).
    const attempt = String(job.id).split('.').at(-1)!;
    await this.mergeWindow(job, data.runId, chunks, attempt);
    const { runId, spec, outputs } = data;
    const staging = stagingId(runId, attempt);
    const keep = { removeOnComplete: job.opts.removeOnComplete, removeOnFail: job.opts.removeOnFail };
    const retry = { attempts: job.opts.attempts, backoff: job.opts.backoff };
    await this.flows.add({
      name: `commit ${job.name.replace(/^reduce /, '')}`,
      queueName: QUEUES.commit,
      data: parsePayload(commitJobSchema, { runId, spec, outputs, staging, chunks }, 'commit job'),
      opts: { ...retry, ...keep, jobId: `${job.id}.commit` },
      children: planDayGroups(chunks, await this.dayGroupBytes(chunks, data.dayBytes)).map(({ days, partials }) => ({
        name: `days ${describeDays(days)} · ${partials.length} partials`,
        queueName: QUEUES.days,
        data: parsePayload(dayJobSchema, { runId, spec, days, partials, attempt, outputs, staging }, 'day job'),
        opts: { ...retry, ...keep, jobId: `${job.id}.days-${days[0]}`, failParentOnFailure: true },
      })),
    });
  }

  /**
   * Every chunk's window tables (node role evidence, which every day needs) merged into one object
   * in Redis, unless a delivery of the same parent put it there already. It is written aside and
   * renamed into place only if still absent, so a day reduce never reads a half-written object.
   */
  private async mergeWindow(job: Job, runId: string, chunks: readonly ChunkReport[], attempt: string): Promise<void> {
    const { prefix, partialTtl } = this.options;
    const key = runWindowKey(prefix, runId, attempt);
    if (await this.redis.exists(key)) return;
    const schema = jobSchema(job);
    const folder = await scratchFolder(schema);
    try {
      const window = await this.fetchPartials(
        folder,
        runId,
        chunks.map((c) => [c.chunk, 'window'] as const),
      );
      await this.kernels(async () => {
        const db = await this.engine.connect();
        try {
          await mergePartials(db, [{ packed: { days: [], window } }], schema);
          const file = join(folder, 'merged-window.parquet');
          await writePartialFile(db, schema, 'window', file);
          const aside = `${key}:${PROCESS_ID}`;
          await putFile(this.redis, aside, file, partialTtl);
          if (!(await this.redis.renamenx(aside, key))) await this.redis.del(aside);
        } finally {
          await dropPartial(db, schema).catch(() => undefined);
          db.closeSync();
        }
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /**
   * Partial bytes per day reduce: the run's bytes spread over the workers serving day reduces, so
   * each has one (a day reduce has a fixed cost of a few dozen statements), but at most `limit`:
   * a day reduce holds many times its partial bytes (README, "Benchmark"), and a worker's memory is bounded.
   */
  private async dayGroupBytes(chunks: readonly ChunkReport[], limit: number): Promise<number> {
    const total = chunks.reduce((n, c) => n + c.partialBytes, 0);
    const workers = await this.days.getWorkersCount().catch(() => 1);
    return Math.max(1, Math.min(limit, Math.ceil(total / Math.max(1, workers))));
  }

  /** The (chunk, part) partials of a run from Redis into `folder`, as local files in the same order. */
  private async fetchPartials(folder: string, runId: string, parts: readonly (readonly [number, string])[]) {
    const files: string[] = [];
    for (const [chunk, part] of parts) {
      const key = partialKey(this.options.prefix, runId, chunk, part);
      files.push(
        await this.fetchPartial(
          folder,
          key,
          `${chunk}-${part}`,
          runId,
          `partial aggregate of chunk ${chunk} (${part})`,
        ),
      );
    }
    return files;
  }

  private async fetchPartial(folder: string, key: string, name: string, runId: string, what: string): Promise<string> {
    const file = join(folder, `${name}.parquet`);
    // Only a Redis that lost data (restart without persistence, eviction, TTL) fails here.
    await getFile(
      this.redis,
      key,
      file,
      () => `${what} is missing from Redis (lost in a restart or expired); run ${runId} cannot be completed correctly`,
    );
    return file;
  }

  /**
   * Consecutive days of a large run: their partials and the run's merged window tables, from Redis,
   * merged and finalized; each output's part staged, and its files put in Redis for the commit.
   */
  private async day(job: Job): Promise<DayReport> {
    const data = parsePayload(dayJobSchema, job.data, `day job ${job.id}`);
    await this.refuseFinished(data);
    await this.records.setStatus(data.runId, 'reducing');
    const { prefix, partialTtl } = this.options;
    const schema = jobSchema(job);
    const folder = await scratchFolder(schema);
    try {
      const clock = stopwatch();
      const files = {
        days: await this.fetchPartials(folder, data.runId, data.partials),
        window: [
          await this.fetchPartial(
            folder,
            runWindowKey(prefix, data.runId, data.attempt),
            'window',
            data.runId,
            'the merged window tables',
          ),
        ],
      };
      const fetchMs = clock();
      return await this.kernels(async () => {
        clock();
        const db = await this.engine.connect();
        try {
          await mergePartials(db, [{ packed: files }], schema);
          const mergeMs = clock();
          const staging = { id: data.staging, folder: join(folder, 'staged') };
          const part = await finalizePart(db, schema, data.spec, data.outputs, staging);
          for (const [target, staged] of part.staged.entries()) {
            for (const { file } of staged) {
              const key = stagedKey(prefix, data.runId, target, file);
              await putFile(this.redis, key, join(staging.folder, String(target), file), partialTtl);
            }
          }
          return {
            ...part,
            days: data.days,
            worker: PROCESS_ID,
            fetchMs,
            mergeMs,
            peakRssBytes: peakRssBytes(),
            doneAt: Date.now(),
          };
        } finally {
          await dropPartial(db, schema).catch(() => undefined);
          db.closeSync();
        }
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
      collectGarbage();
    }
  }

  /** Resolves with the rows read. */
  private async whole(job: Job): Promise<number> {
    const data = parsePayload(wholeJobSchema, job.data, `whole job ${job.id}`);
    await this.refuseFinished(data);
    await this.records.setStatus(data.runId, 'running');
    const schema = jobSchema(job);
    const folder = await scratchFolder(schema);
    try {
      const { result } = await this.kernel(data, async (chunk, fetchMs) => {
        const db = await this.engine.connect();
        try {
          const clock = stopwatch();
          await kernelPartial(db, () => this.engine.connect(), chunk, data.spec, schema);
          const kernelMs = clock();
          const staging = { id: stagingId(data.runId, 'whole'), folder, whole: true };
          const part = await finalizePart(db, schema, data.spec, data.outputs, staging);
          // A whole job is the run's one chunk.
          await this.records.chunkDone(data.runId, 0);
          const run = { ...data, staging, parts: [part], chunks: [], phases: { fetch: fetchMs, kernel: kernelMs } };
          await commitRun(this.records, this.options.events, async () => db, run);
          return part.rowsIn;
        } finally {
          await dropPartial(db, schema).catch(() => undefined);
          db.closeSync();
        }
      });
      return result.pod + result.storage + result.nodeLabels + result.namespaceLabels;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** Fetches a job's objects, then runs `work` over them (told how long the fetch took) when a kernel slot is free. */
  private async kernel<T>(data: ChunkJob | WholeJob, work: (chunk: Chunk, fetchMs: number) => Promise<T>) {
    const store = await this.stores.acquire(data.runId, data.root);
    try {
      const clock = stopwatch();
      const chunk = await loadChunk(store, data.ranges, data.storage);
      const fetchMs = clock();
      return await this.kernels(async () => {
        clock();
        const result = await work(chunk, fetchMs);
        return { result, fetchMs, kernelMs: clock() };
      });
    } finally {
      this.stores.release();
      collectGarbage();
    }
  }

  /** A cancelled or failed run's remaining jobs end at once instead of working for nothing. */
  private async refuseFinished(data: { runId: string }): Promise<void> {
    const record = await this.records.get(data.runId);
    if (record && (record.status === 'cancelled' || record.status === 'failed')) {
      throw new UnrecoverableError(`run ${data.runId} is ${record.status}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([this.flows.close(), this.days.close()]);
    await this.stores.close();
    this.engine.close();
    this.redis.disconnect();
  }
}

/**
 * Bad input fails a job for good on its first attempt, and with it the run: the same bytes read the
 * same on every try. Any other failure (S3 or Redis out of reach, a full disk) keeps the job's
 * attempts, since it may pass.
 */
async function failInputAtOnce<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError) throw new UnrecoverableError(error.message);
    throw error;
  }
}
