import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { dropPartial, finalizeSummary, mergePartials, openEngine, stopwatch, type Engine } from '@ocpsum/kernel';
import { writeOutputs } from '@ocpsum/sinks';
import { jobSchema, scratchFolder } from './job-scratch.js';
import { attemptFailed, finishRun, notify, observed, type FleetEvents } from './events.js';
import { QUEUES, partialKey, queuePrefix } from './names.js';
import { parsePayload, reduceJobSchema, type ReduceJob } from './payloads.js';
import { PROCESS_ID, peakRssBytes } from './process-id.js';
import { RunRecords, type ChunkReport } from './run-records.js';
import { STALL } from './stall.js';

export interface ReducerOptions {
  redisUrl: string;
  prefix: string;
  /** DuckDB threads of the merge and finalize (default 4). */
  threads?: number;
  /** Observers of jobs and runs (logs, metrics). */
  events?: FleetEvents;
}

/**
 * Runs when every chunk of a run is done: merges the partials, finalizes, writes the sinks and the
 * run report, and removes the partials. Also watches for failed jobs of any queue, so a run whose
 * chunk died for good is marked failed even when no worker lived to say so.
 */
export class Reducer {
  private readonly redis: Redis;
  private readonly records: RunRecords;
  private readonly worker: Worker;
  private readonly events: QueueEvents[];
  private readonly eventConnections: Redis[] = [];
  private readonly queues: Map<string, Queue>;
  private readonly watchdog: NodeJS.Timeout;

  private constructor(
    private readonly options: ReducerOptions,
    private readonly engine: Engine,
  ) {
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.records = new RunRecords(this.redis, options.prefix);
    const prefix = queuePrefix(options.prefix);
    const { events } = options;
    this.worker = new Worker(QUEUES.reduce, (job) => observed(events, QUEUES.reduce, job, () => this.reduce(job)), {
      connection: this.redis,
      prefix,
      ...STALL,
    });
    this.worker.on('failed', (job, error) => job && void attemptFailed(this.records, events, QUEUES.reduce, job, error));
    if (events?.error) this.worker.on('error', (error) => notify(events, 'error', 'reduce worker', error));
    this.queues = new Map(
      Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: this.redis, prefix })]),
    );
    this.watchdog = setInterval(() => void this.failOverdueRuns(), 2_000);
    this.events = Object.values(QUEUES).map((name) => {
      const connection = this.redis.duplicate();
      this.eventConnections.push(connection);
      const events = new QueueEvents(name, { connection, prefix });
      events.on('failed', ({ jobId, failedReason }) => void this.jobFailed(name, jobId, failedReason));
      if (options.events?.error)
        events.on('error', (error) => notify(options.events, 'error', `${name} events`, error));
      return events;
    });
  }

  static async start(options: ReducerOptions): Promise<Reducer> {
    const reducer = new Reducer(options, await openEngine(options.threads ?? 4));
    await Promise.all([reducer.worker.waitUntilReady(), ...reducer.events.map((e) => e.waitUntilReady())]);
    return reducer;
  }

  private async reduce(job: Job): Promise<void> {
    const data = parsePayload(reduceJobSchema, job.data, `reduce job ${job.id}`);
    // A reduce job comes again when its reducer died after recording the run but before BullMQ heard
    // that the job completed. The sinks hold the run and its partials may be gone: nothing is left to do.
    const record = await this.records.get(data.runId);
    if (record?.status === 'done') {
      return this.deletePartials(data.runId, Object.values(await job.getChildrenValues()) as ChunkReport[]);
    }
    if (record?.status === 'failed' || record?.status === 'cancelled') {
      throw new UnrecoverableError(`run ${data.runId} is ${record.status}`);
    }
    await this.records.setStatus(data.runId, 'reducing');
    const clock = stopwatch();
    const chunks = Object.values(await job.getChildrenValues()) as ChunkReport[];

    const folder = await scratchFolder(`reduce-${data.runId}`);
    const schema = jobSchema(job);
    const db = await this.engine.connect();
    let timings: { mergeMs: number; finalizeMs: number; sinkMs: number };
    let result: Awaited<ReturnType<typeof finalizeSummary>>;
    try {
      const files: string[] = [];
      for (const { chunk, days } of chunks) {
        for (const day of days) {
          const bytes = await this.redis.getBuffer(partialKey(this.options.prefix, data.runId, chunk, day));
          if (!bytes) {
            // Only a Redis that lost data (restart without persistence, eviction, TTL) gets here.
            throw new Error(
              `partial aggregate of chunk ${chunk}, day ${day} is missing from Redis (lost in a restart or expired); run ${data.runId} cannot be completed correctly`,
            );
          }
          const file = join(folder, `${chunk}-${day}.parquet`);
          await writeFile(file, bytes);
          files.push(file);
        }
      }
      await mergePartials(db, [{ packed: files }], schema);
      const mergeMs = clock();
      result = await finalizeSummary(db, schema, data.spec);
      const finalizeMs = clock();
      await writeOutputs(data.outputs, { db, table: result.table }, data.spec);
      timings = { mergeMs, finalizeMs, sinkMs: clock() };
    } finally {
      await dropPartial(db, schema).catch(() => undefined);
      db.closeSync();
      await rm(folder, { recursive: true, force: true });
    }

    const peakRss: Record<string, number> = {};
    for (const c of chunks) peakRss[c.worker] = Math.max(peakRss[c.worker] ?? 0, c.peakRssBytes);
    peakRss[PROCESS_ID] = peakRssBytes();
    await finishRun(this.records, this.options.events, data.runId, {
      status: 'done',
      report: {
        rowsIn: { ...result.rowsIn },
        rowsOut: { ...result.counts },
        chunks: chunks.sort((a, b) => a.chunk - b.chunk),
        phases: {
          fetch: sum(chunks.map((c) => c.fetchMs)),
          kernel: sum(chunks.map((c) => c.kernelMs)),
          merge: timings.mergeMs,
          finalize: timings.finalizeMs,
          sink: timings.sinkMs,
        },
        peakRss,
        outputs: data.outputs,
      },
    });
    await this.deletePartials(data.runId, chunks);
  }

  private async deletePartials(runId: string, chunks: ChunkReport[]): Promise<void> {
    const keys = chunks.flatMap(({ chunk, days }) => days.map((day) => partialKey(this.options.prefix, runId, chunk, day)));
    if (keys.length) await this.redis.del(...keys);
  }

  private async jobFailed(queue: string, jobId: string, reason: string): Promise<void> {
    // Retries also emit `failed`; only a job left in the failed set (no attempts left) fails the run.
    const job = await Job.fromId(this.queues.get(queue)!, jobId);
    if (!job || !(await job.isFailed())) return;
    await this.fail(job.data, `${job.name}: ${reason}`);
  }

  private async fail(data: unknown, error: string): Promise<void> {
    const runId = (data as { runId?: string }).runId;
    if (runId) await finishRun(this.records, this.options.events, runId, { status: 'failed', error }).catch(() => {});
  }

  /** A run never hangs: past its deadline it fails, saying how far it got. */
  private async failOverdueRuns(): Promise<void> {
    for (const record of await this.records.overdue(Date.now())) {
      await finishRun(this.records, this.options.events, record.runId, {
        status: 'failed',
        error: `deadline passed with ${record.chunksDone}/${record.chunks} chunks done (status ${record.status}); are workers running?`,
      });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await this.worker.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.events.map((e) => e.close()));
    // BullMQ leaves the connections it was given open.
    for (const connection of this.eventConnections) connection.disconnect();
    this.redis.disconnect();
    this.engine.close();
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
