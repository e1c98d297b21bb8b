import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pLimit, { type LimitFunction } from 'p-limit';
import { finalize } from '@ocpsum/core';
import { encodePartial } from '@ocpsum/codec';
import { openEngine, runKernel, type Engine } from '@ocpsum/kernel';
import { openSinkDatabase, rowsToSummaryTable, writeOutputs } from '@ocpsum/sinks';
import { loadChunk } from './chunk-input.js';
import { collectGarbage } from './heap.js';
import { QUEUES, partialKey, queuePrefix } from './names.js';
import { finishRun, jobInfo, notify, observed, type FleetEvents } from './events.js';
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
      w.on('failed', (job, error) => void this.onFailed(w.name, job, error));
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
    const { partial, fetchMs, kernelMs } = await this.kernel(data);
    const bytes = encodePartial(partial);
    await this.redis.set(
      partialKey(this.options.prefix, data.runId, data.chunk),
      Buffer.from(bytes),
      'EX',
      this.options.partialTtl,
    );
    await this.records.chunkDone(data.runId);
    return {
      chunk: data.chunk,
      worker: PROCESS_ID,
      rows: partial.rowsIn.pod + partial.rowsIn.storage + partial.rowsIn.nodeLabels + partial.rowsIn.namespaceLabels,
      fetchMs,
      kernelMs,
      partialBytes: bytes.length,
      peakRssBytes: peakRssBytes(),
    };
  }

  /** Resolves with the rows read. */
  private async whole(job: Job): Promise<number> {
    const data = parsePayload(wholeJobSchema, job.data, `whole job ${job.id}`);
    await this.refuseFinished(data);
    await this.records.setStatus(data.runId, 'running');
    const { partial, fetchMs, kernelMs } = await this.kernel(data);
    const started = performance.now();
    const { rows, counts } = finalize(partial, data.spec);
    const finalizeMs = performance.now() - started;
    // Until finalize writes the table: its rows loaded into one for the sinks.
    const sinkDb = await openSinkDatabase();
    try {
      await writeOutputs(data.outputs, await rowsToSummaryTable(sinkDb.db, rows, data.spec.byPod), data.spec);
    } finally {
      sinkDb.close();
    }
    await this.records.chunkDone(data.runId);
    await finishRun(this.records, this.options.events, data.runId, {
      status: 'done',
      report: {
        rowsIn: { ...partial.rowsIn },
        rowsOut: { ...counts },
        chunks: [],
        phases: {
          fetch: fetchMs,
          kernel: kernelMs,
          finalize: finalizeMs,
          sink: performance.now() - started - finalizeMs,
        },
        peakRss: { [PROCESS_ID]: peakRssBytes() },
        outputs: data.outputs,
      },
    });
    return partial.rowsIn.pod + partial.rowsIn.storage + partial.rowsIn.nodeLabels + partial.rowsIn.namespaceLabels;
  }

  private async kernel(data: ChunkJob | WholeJob) {
    const store = await this.stores.acquire(data.runId, data.root);
    try {
      const fetchStarted = performance.now();
      const chunk = await loadChunk(store, data.ranges, data.storage);
      const fetchMs = performance.now() - fetchStarted;
      return await this.kernels(async () => {
        const kernelStarted = performance.now();
        const partial = await runKernel(() => this.engine.connect(), chunk, data.spec);
        return { partial, fetchMs, kernelMs: performance.now() - kernelStarted };
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

  /** The last failed attempt of a job fails its run, with the reason. */
  private async onFailed(queue: string, job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    // attemptsMade already counts the attempt that failed.
    const info = { ...jobInfo(queue, job), attempt: job.attemptsMade };
    notify(this.options.events, 'jobFailed', info, error, {
      final,
      durationMs: job.processedOn ? Date.now() - job.processedOn : undefined,
    });
    if (!final) return;
    const runId = (job.data as { runId?: string }).runId;
    if (runId)
      await finishRun(this.records, this.options.events, runId, {
        status: 'failed',
        error: `${job.name}: ${error.message}`,
      }).catch(() => {});
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.stores.close();
    this.engine.close();
    this.redis.disconnect();
  }
}
