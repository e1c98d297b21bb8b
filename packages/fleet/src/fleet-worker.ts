import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '@ocpsum/core';
import { Redis } from 'ioredis';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  createPartial,
  dropPartial,
  kernelPartial,
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
import { loadChunk } from './chunk-input.js';
import { commitRun, finalizePart, type DayReport } from './completion.js';
import { jobSchema, scratchFolder } from './job-scratch.js';
import { collectGarbage } from './heap.js';
import { QUEUES, partialKey, queuePrefix, stagedKey, stagingId } from './names.js';
import { attemptFailed, notify, observed, type FleetEvents } from './events.js';
import {
  chunkJobSchema,
  dayJobSchema,
  parsePayload,
  wholeJobSchema,
  type ChunkJob,
  type ChunkReport,
  type WholeJob,
} from './payloads.js';
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
 * A stateless worker process: runs the kernel over `chunks` jobs (partial → Redis), reduces `days`
 * jobs (a day's partials → its staged outputs → Redis), and runs `whole` jobs (kernel, finalize and
 * the outputs' commit in one process).
 */
export class FleetWorker {
  private readonly redis: Redis;
  private readonly records: RunRecords;
  private readonly stores = new StoreCache();
  private readonly workers: Worker[] = [];
  private readonly kernels: LimitFunction;

  private constructor(
    private readonly options: FleetWorkerOptions,
    private readonly engine: Engine,
  ) {
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.records = new RunRecords(this.redis, options.prefix);
    this.kernels = pLimit(options.concurrency);
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
        bytes += await putFile(this.redis, partialKey(this.options.prefix, runId, chunk, name), file, this.options.partialTtl);
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
   * Consecutive days of a large run: their partials and every chunk's window tables, from Redis,
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
      const keys = [...data.partials, ...data.allChunks.map((chunk) => [chunk, 'window'] as const)];
      const files = { days: [] as string[], window: [] as string[] };
      for (const [chunk, part] of keys) {
        const file = join(folder, `${chunk}-${part}.parquet`);
        await getFile(
          this.redis,
          partialKey(prefix, data.runId, chunk, part),
          file,
          // Only a Redis that lost data (restart without persistence, eviction, TTL) gets here.
          () =>
            `partial aggregate of chunk ${chunk} (${part}) is missing from Redis (lost in a restart or expired); run ${data.runId} cannot be completed correctly`,
        );
        (part === 'window' ? files.window : files.days).push(file);
      }
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
