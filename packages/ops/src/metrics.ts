import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QUEUES, type FleetEvents } from '@ocpsum/fleet';

/** Job counts of the fleet's queues, by state; rejects when Redis does not answer. */
export type QueueCounts = () => Promise<Record<string, Record<string, number>>>;

/**
 * The fleet's Prometheus metrics, one registry per process. Counters move through `events`
 * (handed to FleetWorker / Reducer); queue depths are read from Redis on each scrape.
 *
 * Runs are counted by the process that records their verdict (the reducer for chunked runs
 * and for failures it detects, a worker for whole-dataset runs): sum over processes.
 */
export class FleetMetrics {
  readonly registry = new Registry();
  private readonly chunks: Counter;
  private readonly rows: Counter;
  private readonly chunkSeconds: Histogram;
  private readonly failures: Counter<'queue'>;
  private readonly runs: Counter<'status'>;
  private readonly runSeconds: Histogram;
  readonly events: FleetEvents;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.chunks = new Counter({
      name: 'ocpsum_chunks_processed_total',
      help: 'Chunk jobs completed by this process (a whole-dataset job counts as one chunk)',
      registers,
    });
    this.rows = new Counter({
      name: 'ocpsum_rows_processed_total',
      help: 'Input rows (pod, storage, label) read by the chunk and whole-dataset jobs of this process',
      registers,
    });
    this.chunkSeconds = new Histogram({
      name: 'ocpsum_chunk_duration_seconds',
      help: 'Time to process one chunk or whole-dataset job',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.failures = new Counter({
      name: 'ocpsum_job_failures_total',
      help: 'Failed job attempts in this process, retried or final',
      labelNames: ['queue'],
      registers,
    });
    this.runs = new Counter({
      name: 'ocpsum_runs_completed_total',
      help: 'Runs whose verdict this process recorded, by final status',
      labelNames: ['status'],
      registers,
    });
    this.runSeconds = new Histogram({
      name: 'ocpsum_run_duration_seconds',
      help: 'Time from enqueue to verdict of the runs this process finished',
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
      registers,
    });
    for (const queue of Object.values(QUEUES)) this.failures.inc({ queue }, 0);
    for (const status of ['done', 'failed']) this.runs.inc({ status }, 0);

    this.events = {
      jobCompleted: (job, { durationMs, rows }) => {
        if (job.queue !== 'chunks' && job.queue !== 'whole') return;
        this.chunks.inc();
        if (rows) this.rows.inc(rows);
        this.chunkSeconds.observe(durationMs / 1000);
      },
      jobFailed: (job) => this.failures.inc({ queue: job.queue }),
      runFinished: ({ status, durationMs }) => {
        this.runs.inc({ status });
        this.runSeconds.observe(durationMs / 1000);
      },
    };
  }

  /** Adds `ocpsum_queue_depth{queue,state}`, read with `counts` at each scrape (absent while Redis is down). */
  trackQueueDepth(counts: QueueCounts): void {
    new Gauge({
      name: 'ocpsum_queue_depth',
      help: 'Jobs in each queue of the prefix, by state (read from Redis at scrape time)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        let all: Awaited<ReturnType<QueueCounts>>;
        try {
          all = await counts();
        } catch {
          return;
        }
        for (const [queue, states] of Object.entries(all)) {
          for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
        }
      },
    });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  expose(): Promise<string> {
    return this.registry.metrics();
  }
}
