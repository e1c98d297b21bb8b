import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunSpec } from '@ocpsum/core';
import {
  filesRead,
  findInput,
  monthLabel,
  noPodRows,
  rangeRows,
  storageFiles,
  windowRanges,
  type Dataset,
  type DatasetInput,
  type Layout,
} from '@ocpsum/input';
import { openStore } from '@ocpsum/storage';
import { QUEUES, chunkJobId, queuePrefix } from './names.js';
import { chunkJobSchema, parsePayload, reduceJobSchema, wholeJobSchema, type RangeRef } from './payloads.js';
import { planChunks } from './plan.js';
import { runIdOf } from './run-id.js';
import { RunRecords } from './run-records.js';

export interface EnqueueRequest {
  root: string;
  spec: RunSpec;
  /** The bucket layout to read; found when not given. */
  layout?: Layout;
  /** The dataset when the caller has found it and read its footers already. */
  input?: DatasetInput;
  outputs: string[];
  /** Datasets with fewer pod usage rows go to one `whole` job. */
  threshold: number;
  chunkRows: number;
  /** Partial bytes a day reduce aims at (planDayGroups). */
  dayBytes: number;
  /** A run still unfinished this long after enqueueing is failed. */
  deadlineMs: number;
  /** Attempts per chunk before the run fails. */
  attempts: number;
}

export interface EnqueueResult {
  runId: string;
  created: boolean;
  mode: 'whole' | 'chunks';
  chunks: number;
  /** The window's pod usage rows, from `filesRead` of the dataset's `files` files. */
  podRows: number;
  filesRead: number;
  files: number;
  dataset: Dataset;
}

/**
 * What `ocpsum enqueue` runs: plans a run from its Parquet footers and puts it on the queues, a flow
 * of chunks under a reduce job, or one whole job. What follows the chunks is the Reducer's (the
 * `ocpsum reducer` process).
 */
export class Coordinator {
  private readonly flows: FlowProducer;
  private readonly whole: Queue;
  private readonly chunks: Queue;
  private readonly records: RunRecords;

  constructor(connection: Redis, prefix: string) {
    this.flows = new FlowProducer({ connection, prefix: queuePrefix(prefix) });
    this.whole = new Queue(QUEUES.whole, { connection, prefix: queuePrefix(prefix) });
    this.chunks = new Queue(QUEUES.chunks, { connection, prefix: queuePrefix(prefix) });
    this.records = new RunRecords(connection, prefix);
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const { root, spec } = request;
    let input = request.input;
    if (!input) {
      const store = openStore(root);
      try {
        input = await findInput(store, spec, request.layout);
      } finally {
        await store.close();
      }
    }
    const { dataset, files } = input;
    const objects = Object.values(dataset.files).flat();
    // Only what the window needs is read: a run of a few days reads a few days' row groups.
    const ranges = windowRanges(files, spec);
    const podRows = rangeRows(ranges, 'openshift_pod_usage_line_items');
    if (podRows === 0) throw noPodRows(spec, dataset.location);

    const runId = runIdOf(root, spec, objects, request.outputs);
    const mode: EnqueueResult['mode'] = podRows < request.threshold ? 'whole' : 'chunks';
    const chunks =
      mode === 'whole'
        ? [ranges]
        : planChunks(ranges, request.chunkRows, await this.workersServing());
    const attempt = await this.records.start({
      runId,
      mode,
      chunks: chunks.length,
      source: spec.source,
      month: monthLabel(spec),
      createdAt: Date.now(),
      deadline: Date.now() + request.deadlineMs,
    });
    const result = { runId, mode, chunks: chunks.length, podRows, filesRead: filesRead(ranges), files: files.length, dataset };
    if (attempt === 0) return { ...result, created: false };

    const base = { runId, root, spec, storage: storageFiles(ranges) };
    const label = `${spec.source.slice(0, 8)} ${monthLabel(spec)}`;
    const retry: JobsOptions = { attempts: request.attempts, backoff: { type: 'exponential', delay: 500 } };
    const keep: JobsOptions = { removeOnComplete: { age: 86_400, count: 1000 }, removeOnFail: { age: 7 * 86_400 } };

    if (mode === 'whole') {
      const data = parsePayload(wholeJobSchema, { ...base, ranges: chunks[0], outputs: request.outputs }, 'whole job');
      await this.whole.add(`whole ${label} · ${podRows} rows`, data, {
        ...retry,
        ...keep,
        jobId: `${runId}.${attempt}`,
      });
    } else {
      await this.flows.add({
        name: `reduce ${label} · ${chunks.length} chunks`,
        queueName: QUEUES.reduce,
        data: parsePayload(
          reduceJobSchema,
          { ...base, chunks: chunks.length, outputs: request.outputs, dayBytes: request.dayBytes },
          'reduce job',
        ),
        opts: { ...retry, ...keep, jobId: `${runId}.${attempt}` },
        children: chunks.map((ranges, chunk) => ({
          name: `chunk ${chunk + 1}/${chunks.length} ${label} · ${describeRanges(ranges)}`,
          queueName: QUEUES.chunks,
          data: parsePayload(chunkJobSchema, { ...base, chunk, chunks: chunks.length, ranges }, 'chunk job'),
          opts: { ...retry, ...keep, jobId: `${runId}.${attempt}.${chunkJobId(chunk)}`, failParentOnFailure: true },
        })),
      });
    }
    return { ...result, created: true };
  }

  /** Workers connected to the chunks queue now; 1 when none are (yet) or Redis will not list clients. */
  private async workersServing(): Promise<number> {
    try {
      return Math.max(1, await this.chunks.getWorkersCount());
    } catch {
      return 1;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.flows.close(), this.whole.close(), this.chunks.close()]);
  }
}

function describeRanges(ranges: RangeRef[]): string {
  const rows = ranges.reduce((n, r) => n + r.end - r.start, 0);
  const day = /(?:day=|\d{4}-\d{2}-)(\d{2})\b/.exec(ranges[0].file.key)?.[1];
  return `${rows} rows from ${ranges.length} range${ranges.length > 1 ? 's' : ''}${day ? ` (day ${day}…)` : ''}`;
}
