import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Redis } from 'ioredis';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  createPartial,
  dropPartial,
  openEngine,
  partialDays,
  runKernel,
  stopwatch,
  summarizeChunk,
  writePartialDay,
  type Chunk,
  type Engine,
} from '@ocpsum/kernel';
import { writeOutputs } from '@ocpsum/sinks';
import { loadChunk } from './chunk-input.js';
import { jobSchema, scratchFolder } from './job-scratch.js';
import { collectGarbage } from './heap.js';
import { QUEUES, partialKey, queuePrefix } from './names.js';
import { attemptFailed, finishRun, notify, observed, type FleetEvents } from './events.js';
import { chunkJobSchema, parsePayload, wholeJobSchema, type ChunkJob, type WholeJob } from './payloads.js';
import { PROCESS_ID, peakRssBytes } from './process-id.js';
import { RunRecords, type ChunkReport } from './run-records.js';
import { StoreCache } from './store-cache.js';
import { STALL } from './stall.js';

export interface FleetWorkerOptions {
  redisUrl: string;
  prefix: string;
  /** DuckDB threads of this process. */
  threads: number;
  /** Kernels run at once; one more job is taken so its download overlaps the running kernel. */
  concurrency: number;
  /** Seconds a partial aggregate stays in Redis. */
  partialTtl: number;
  /** Observers of jobs and runs (logs, metrics). */
  events?: FleetEvents;
}

/**
 * A stateless worker process: runs the kernel over `chunks` jobs (partial → Redis) and over
 * `whole` jobs (kernel + finalize + sinks in memory).
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
      // The extra job downloads its objects while a kernel runs: fetching took a third of a worker's time.
      concurrency: options.concurrency + 1,
      ...STALL,
    };
    const { events } = options;
    this.workers.push(
      new Worker(
        QUEUES.chunks,
        (job) =>
          observed(
            events,
            QUEUES.chunks,
            job,
            () => this.chunk(job),
            (r) => r.rows,
          ),
        common,
      ),
    );
    this.workers.push(
      new Worker(
        QUEUES.whole,
        (job) =>
          observed(
            events,
            QUEUES.whole,
            job,
            () => this.whole(job),
            (rows) => rows,
          ),
        common,
      ),
    );
    for (const w of this.workers) {
      w.on('failed', (job, error) => job && void attemptFailed(this.records, events, w.name, job, error));
      if (events?.error) w.on('error', (error) => notify(events, 'error', `${w.name} worker`, error));
    }
  }

  static async start(options: FleetWorkerOptions): Promise<FleetWorker> {
    const worker = new FleetWorker(options, await openEngine(options.threads));
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
    await this.records.chunkDone(data.runId);
    return {
      chunk: data.chunk,
      worker: PROCESS_ID,
      rows: result.rows,
      fetchMs,
      kernelMs,
      days: result.days,
      partialBytes: result.bytes,
      peakRssBytes: peakRssBytes(),
    };
  }

  /**
   * Puts each day of a chunk's partial into Redis as one Parquet object; a retry of the chunk
   * overwrites the same keys. Resolves with the days, the bytes sent and the input rows read.
   */
  private async shipPartial(db: DuckDBConnection, schema: string, runId: string, chunk: number) {
    const days = await partialDays(db, schema);
    const folder = await scratchFolder(schema);
    let bytes = 0;
    try {
      for (const day of days) {
        const file = join(folder, `${day}.parquet`);
        await writePartialDay(db, schema, day, file);
        const body = await readFile(file);
        bytes += body.length;
        await this.redis.set(partialKey(this.options.prefix, runId, chunk, day), body, 'EX', this.options.partialTtl);
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

  /** Resolves with the rows read. */
  private async whole(job: Job): Promise<number> {
    const data = parsePayload(wholeJobSchema, job.data, `whole job ${job.id}`);
    await this.refuseFinished(data);
    await this.records.setStatus(data.runId, 'running');
    const schema = jobSchema(job);
    const { fetchMs, result } = await this.kernel(data, async (chunk) => {
      const db = await this.engine.connect();
      try {
        const summary = await summarizeChunk(db, () => this.engine.connect(), chunk, data.spec, schema);
        const clock = stopwatch();
        await writeOutputs(data.outputs, { db, table: summary.table }, data.spec);
        return { ...summary, sinkMs: clock() };
      } finally {
        await dropPartial(db, schema).catch(() => undefined);
        db.closeSync();
      }
    });
    await this.records.chunkDone(data.runId);
    await finishRun(this.records, this.options.events, data.runId, {
      status: 'done',
      report: {
        rowsIn: { ...result.rowsIn },
        rowsOut: { ...result.counts },
        chunks: [],
        phases: { fetch: fetchMs, kernel: result.kernelMs, finalize: result.finalizeMs, sink: result.sinkMs },
        peakRss: { [PROCESS_ID]: peakRssBytes() },
        outputs: data.outputs,
      },
    });
    const { rowsIn } = result;
    return rowsIn.pod + rowsIn.storage + rowsIn.nodeLabels + rowsIn.namespaceLabels;
  }

  /** Fetches a job's objects, then runs `work` over them when a kernel slot is free. */
  private async kernel<T>(data: ChunkJob | WholeJob, work: (chunk: Chunk) => Promise<T>) {
    const store = await this.stores.acquire(data.runId, data.root);
    try {
      const fetchStarted = performance.now();
      const chunk = await loadChunk(store, data.ranges, data.storage);
      const fetchMs = performance.now() - fetchStarted;
      return await this.kernels(async () => {
        const kernelStarted = performance.now();
        const result = await work(chunk);
        return { result, fetchMs, kernelMs: performance.now() - kernelStarted };
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
