import { rm } from 'node:fs/promises';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Redis } from 'ioredis';
import { openEngine, type Engine } from '@ocpsum/kernel';
import { discardStaging } from '@ocpsum/sinks';
import { commitRun, type DayReport } from './completion.js';
import { collectingEvery } from './heap.js';
import { scratchFolder } from './job-scratch.js';
import { attemptFailed, finishRun, notify, observed, type FleetEvents } from './events.js';
import { QUEUES, queuePrefix, runDataPattern, stagedKey } from './names.js';
import { commitJobSchema, dayJobSchema, parsePayload } from './payloads.js';
import { readFileSlices } from './redis-files.js';
import { RunRecords } from './run-records.js';
import { STALL } from './stall.js';

export interface ReducerOptions {
  redisUrl: string;
  prefix: string;
  /** DuckDB threads of the commit (default 2): it joins the staged Parquet of a single-file output. */
  threads?: number;
  /** Observers of jobs and runs (logs, metrics). */
  events?: FleetEvents;
}

/**
 * The serial end of a large run: when its day reduces are done, commits its outputs, writes the run
 * report and removes the partials and staged files. Also watches for failed jobs of any queue, so a
 * run whose job died for good is marked failed even when no worker lived to say so, and fails runs
 * past their deadline.
 */
export class Reducer {
  private readonly redis: Redis;
  private readonly records: RunRecords;
  private readonly workers: Worker[];
  private readonly events: QueueEvents[];
  private readonly eventConnections: Redis[] = [];
  private readonly queues: Map<string, Queue>;
  private readonly watchdog: NodeJS.Timeout;
  /** DuckDB, opened by the first commit that joins staged Parquet: most commits need none. */
  private engine?: Promise<Engine>;

  private constructor(private readonly options: ReducerOptions) {
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.records = new RunRecords(this.redis, options.prefix);
    const prefix = queuePrefix(options.prefix);
    const { events } = options;
    this.workers = [
      new Worker(QUEUES.commit, (job) => observed(events, QUEUES.commit, job, () => this.commit(job)), {
        connection: this.redis,
        prefix,
        ...STALL,
      }),
    ];
    for (const w of this.workers) {
      w.on('failed', (job, error) => job && void attemptFailed(this.records, events, w.name, job, error));
      if (events?.error) w.on('error', (error) => notify(events, 'error', `${w.name} worker`, error));
    }
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

  /** The commit's DuckDB, opened once on first use (a failed open is tried again next time). */
  private duckdb(): Promise<Engine> {
    this.engine ??= openEngine(this.options.threads ?? 2).catch((error: unknown) => {
      this.engine = undefined;
      throw error;
    });
    return this.engine;
  }

  static async start(options: ReducerOptions): Promise<Reducer> {
    const reducer = new Reducer(options);
    await Promise.all([
      ...reducer.workers.map((w) => w.waitUntilReady()),
      ...reducer.events.map((e) => e.waitUntilReady()),
    ]);
    return reducer;
  }

  /**
   * The end of a large run: every day's staged files from Redis, every output made visible from
   * them together, the run recorded done, and its partials and staged files removed.
   */
  private async commit(job: Job): Promise<void> {
    const data = parsePayload(commitJobSchema, job.data, `commit job ${job.id}`);
    const days = Object.values(await job.getChildrenValues()) as DayReport[];
    // A commit job comes again when its process died after recording the run but before BullMQ
    // heard that the job completed: the outputs hold the run, nothing is left to do.
    const record = await this.records.get(data.runId);
    if (record?.status === 'done') return this.removeRunKeys(data.runId);
    if (record?.status === 'failed' || record?.status === 'cancelled') {
      throw new UnrecoverableError(`run ${data.runId} is ${record.status}`);
    }
    const folder = await scratchFolder(`commit-${data.runId.slice(0, 12)}`);
    let db: DuckDBConnection | undefined;
    const connect = async () => (db ??= await (await this.duckdb()).connect());
    // The sinks stream the staged files from Redis into the outputs; only what DuckDB must read
    // (a Parquet file's parts) is copied into `folder` first.
    const carried = (target: number, file: string) =>
      collectingEvery(
        16 * 1024 * 1024,
        readFileSlices(
          this.redis,
          stagedKey(this.options.prefix, data.runId, target, file),
          () => `staged output ${file} of run ${data.runId} is missing from Redis (lost in a restart or expired)`,
        ),
      );
    try {
      const run = { ...data, staging: { id: data.staging, folder, carried }, parts: days };
      await commitRun(this.records, this.options.events, connect, run);
    } finally {
      db?.closeSync();
      await rm(folder, { recursive: true, force: true });
    }
    await this.removeRunKeys(data.runId);
  }

  /** A finished run's partials and staged files. */
  private async removeRunKeys(runId: string): Promise<void> {
    for (const kind of ['partial', 'staged'] as const) {
      const pattern = runDataPattern(this.options.prefix, runId, kind);
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await this.redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  }

  private async jobFailed(queue: string, jobId: string, reason: string): Promise<void> {
    // Retries also emit `failed`; only a job left in the failed set (no attempts left) fails the run.
    const job = await Job.fromId(this.queues.get(queue)!, jobId);
    if (!job || !(await job.isFailed())) return;
    await this.fail(job.data, `${job.name}: ${reason}`);
    // Nothing will commit what the run staged outside Redis (PostgreSQL's staging table).
    const staged = (queue === QUEUES.days ? dayJobSchema : queue === QUEUES.commit ? commitJobSchema : null)?.safeParse(
      job.data,
    );
    if (staged?.success) {
      const { outputs, spec, staging } = staged.data;
      await discardStaging(outputs, spec, staging);
    }
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
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.events.map((e) => e.close()));
    // BullMQ leaves the connections it was given open.
    for (const connection of this.eventConnections) connection.disconnect();
    this.redis.disconnect();
    (await this.engine?.catch(() => undefined))?.close();
  }
}
