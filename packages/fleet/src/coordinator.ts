import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import pMap from 'p-map';
import type { Redis } from 'ioredis';
import type { RunSpec } from '@ocpsum/core';
import { discoverDataset, InputError } from '@ocpsum/kernel';
import { openStore, type ObjectInfo } from '@ocpsum/storage';
import { readRowGroups } from './footer.js';
import { QUEUES, chunkJobId, queuePrefix } from './names.js';
import { chunkJobSchema, parsePayload, reduceJobSchema, wholeJobSchema, type RangeRef } from './payloads.js';
import { planChunks, type PlannedFile } from './plan.js';
import { runIdOf } from './run-id.js';
import { RunRecords } from './run-records.js';

/** Footers read at once: one small ranged GET per file, so round trips set the pace. */
const FOOTERS_AT_ONCE = 16;

export interface EnqueueRequest {
  root: string;
  spec: RunSpec;
  outputs: string[];
  /** Datasets with fewer pod usage rows go to one `whole` job. */
  threshold: number;
  chunkRows: number;
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
  podRows: number;
}

/** Plans runs from Parquet footers and puts them on the queues: a flow of chunks under a reduce job, or one whole job. */
export class Coordinator {
  private readonly flows: FlowProducer;
  private readonly whole: Queue;
  private readonly chunks: Queue;
  private readonly records: RunRecords;

  constructor(
    connection: Redis,
    private readonly prefix: string,
  ) {
    this.flows = new FlowProducer({ connection, prefix: queuePrefix(prefix) });
    this.whole = new Queue(QUEUES.whole, { connection, prefix: queuePrefix(prefix) });
    this.chunks = new Queue(QUEUES.chunks, { connection, prefix: queuePrefix(prefix) });
    this.records = new RunRecords(connection, prefix);
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const { root, spec } = request;
    const store = openStore(root);
    let files: PlannedFile[];
    let objects: ObjectInfo[];
    try {
      const dataset = await discoverDataset(store, spec);
      objects = Object.values(dataset.files).flat();
      const listed = Object.entries(dataset.files).flatMap(([type, list]) =>
        list.map((object) => ({ object, type: type as PlannedFile['type'] })),
      );
      files = await pMap(
        listed,
        async ({ object, type }) => ({
          key: object.key,
          etag: object.etag,
          type,
          rowGroups: await readRowGroups(store, object),
        }),
        { concurrency: FOOTERS_AT_ONCE },
      );
    } finally {
      await store.close();
    }
    const podRows = files
      .filter((f) => f.type === 'openshift_pod_usage_line_items')
      .reduce((n, f) => n + sum(f.rowGroups), 0);
    if (podRows === 0)
      throw new InputError(
        `empty dataset: the pod usage files of source ${spec.source} in ${spec.year}-${spec.month} hold no rows`,
      );

    const runId = runIdOf(root, spec, objects, request.outputs);
    const mode = podRows < request.threshold ? 'whole' : 'chunks';
    const chunks =
      mode === 'whole'
        ? [files.map((f) => ({ key: f.key, etag: f.etag, type: f.type, start: 0, end: sum(f.rowGroups) }))]
        : planChunks(files, request.chunkRows, await this.workersServing());
    const attempt = await this.records.start({
      runId,
      mode,
      chunks: chunks.length,
      source: spec.source,
      month: `${spec.year}-${String(spec.month).padStart(2, '0')}`,
      createdAt: Date.now(),
      deadline: Date.now() + request.deadlineMs,
    });
    if (attempt === 0) return { runId, created: false, mode, chunks: chunks.length, podRows };

    const storage = files
      .filter((f) => f.type === 'openshift_storage_usage_line_items')
      .map((f) => ({ key: f.key, etag: f.etag }));
    const base = { runId, root, spec, storage };
    const label = `${spec.source.slice(0, 8)} ${spec.year}-${String(spec.month).padStart(2, '0')}`;
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
        data: parsePayload(reduceJobSchema, { ...base, chunks: chunks.length, outputs: request.outputs }, 'reduce job'),
        opts: { ...retry, ...keep, jobId: `${runId}.${attempt}` },
        children: chunks.map((ranges, chunk) => ({
          name: `chunk ${chunk + 1}/${chunks.length} ${label} · ${describeRanges(ranges)}`,
          queueName: QUEUES.chunks,
          data: parsePayload(chunkJobSchema, { ...base, chunk, chunks: chunks.length, ranges }, 'chunk job'),
          opts: { ...retry, ...keep, jobId: `${runId}.${attempt}.${chunkJobId(chunk)}`, failParentOnFailure: true },
        })),
      });
    }
    return { runId, created: true, mode, chunks: chunks.length, podRows };
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

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function describeRanges(ranges: RangeRef[]): string {
  const rows = ranges.reduce((n, r) => n + r.end - r.start, 0);
  const first = ranges[0];
  const day = /day=(\d+)/.exec(first.key)?.[1];
  return `${rows} rows from ${ranges.length} range${ranges.length > 1 ? 's' : ''}${day ? ` (day ${day}…)` : ''}`;
}
