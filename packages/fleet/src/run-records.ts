import type { Redis } from 'ioredis';
import type { OutputTiming } from '@ocpsum/sinks';
import type { DayReport } from './completion.js';
import { chunksDoneKey, queuePrefix, runKey } from './names.js';
import type { ChunkReport } from './payloads.js';

export type RunStatus = 'queued' | 'running' | 'reducing' | 'done' | 'failed' | 'cancelled';
export const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'reducing'];

export interface RunRecord {
  runId: string;
  status: RunStatus;
  mode: 'whole' | 'chunks';
  /** How many times this run id has been started; part of its job ids. */
  attempt: number;
  chunks: number;
  /** Distinct chunks done: never more than `chunks`, however often a chunk was delivered. */
  chunksDone: number;
  source: string;
  month: string;
  createdAt: number;
  deadline: number;
  finishedAt?: number;
  error?: string;
  report?: RunReport;
}

export interface RunReport {
  rowsIn: Record<string, number>;
  rowsOut: Record<string, number>;
  chunks: ChunkReport[];
  /** The day reduces of a large run, in day order. */
  days: DayReport[];
  /** Milliseconds per phase, summed over the chunks and days that ran them. */
  phases: Record<string, number>;
  /** Peak RSS per fleet process (`host:pid`), bytes. */
  peakRss: Record<string, number>;
  outputs: string[];
  /** Per output (password redacted): how long its commit took (its parts were staged before) and what it did. */
  sinks: OutputTiming[];
}

// Starts a run unless one with this id is active: returns the new attempt number, or 0 when active.
// KEYS: the record, the active runs, the run's chunks done, the recent runs. ARGV: run id, start time
// (the recent index's score), the index's bound, then the record's fields.
const START = `
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'queued' or status == 'running' or status == 'reducing' then return 0 end
local attempt = redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HDEL', KEYS[1], 'error', 'report', 'finishedAt')
redis.call('HSET', KEYS[1], 'status', 'queued', 'chunksDone', 0, unpack(ARGV, 4))
redis.call('PERSIST', KEYS[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -tonumber(ARGV[3]) - 1)
return attempt
`;

// Moves a run to a final status only while it is still active, so the first verdict stands; its
// chunksDone stays as it was, and the set of its chunks goes.
const FINISH = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'running' and status ~= 'reducing' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], 604800)
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
`;

// Adds a chunk to an active run's set of chunks done and counts the set. A finished run keeps its
// count, and a record Redis has lost stays lost rather than coming back half-empty.
const CHUNK_DONE = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'running' and status ~= 'reducing' then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'chunksDone', redis.call('SCARD', KEYS[2]))
return 1
`;

/** How many runs the recent index keeps: the newest by start time. */
export const RECENT_RUNS = 1000;

/**
 * Run records: a Redis hash per run, kept a week after the run ends. Two indexes: the active runs (a
 * set, for the deadline watchdog) and the recent ones (a sorted set by start time, for `ocpsum runs`),
 * which each start writes and trims to the newest RECENT_RUNS; an id whose record has expired is
 * dropped from it when a listing meets it.
 */
export class RunRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async start(record: Omit<RunRecord, 'status' | 'attempt' | 'chunksDone'>): Promise<number> {
    const fields = Object.entries(record).flatMap(([k, v]) => [k, String(v)]);
    const keys = [...this.keys(record.runId), this.recentKey];
    const args = [record.runId, record.createdAt, RECENT_RUNS, ...fields];
    return Number(await this.redis.eval(START, keys.length, ...keys, ...args));
  }

  async get(runId: string): Promise<RunRecord | null> {
    const h = await this.redis.hgetall(runKey(this.prefix, runId));
    if (!h.status) return null;
    return {
      runId,
      status: h.status as RunStatus,
      mode: h.mode as RunRecord['mode'],
      attempt: Number(h.attempt),
      chunks: Number(h.chunks),
      chunksDone: Number(h.chunksDone),
      source: h.source,
      month: h.month,
      createdAt: Number(h.createdAt),
      deadline: Number(h.deadline),
      finishedAt: h.finishedAt ? Number(h.finishedAt) : undefined,
      error: h.error,
      report: h.report ? (JSON.parse(h.report) as RunReport) : undefined,
    };
  }

  /** Moves an active run forward (queued → running → reducing); a finished or lost run stays as it is. */
  async setStatus(runId: string, status: 'running' | 'reducing'): Promise<void> {
    await this.redis.eval(
      `local s = redis.call('HGET', KEYS[1], 'status')
if s == 'queued' or (s == 'running' and ARGV[1] == 'reducing') then redis.call('HSET', KEYS[1], 'status', ARGV[1]) end`,
      1,
      runKey(this.prefix, runId),
      status,
    );
  }

  /** Counts chunk number `chunk` of a run as done, once however often it is delivered. */
  async chunkDone(runId: string, chunk: number): Promise<void> {
    const [record, , done] = this.keys(runId);
    await this.redis.eval(CHUNK_DONE, 2, record, done, String(chunk));
  }

  async finish(
    runId: string,
    outcome: { status: 'done'; report: RunReport } | { status: 'failed' | 'cancelled'; error: string },
  ): Promise<boolean> {
    const fields = ['status', outcome.status, 'finishedAt', String(Date.now())];
    if (outcome.status === 'done') fields.push('report', JSON.stringify(outcome.report));
    else fields.push('error', outcome.error);
    return (await this.redis.eval(FINISH, 3, ...this.keys(runId), runId, ...fields)) === 1;
  }

  /** Active runs whose deadline has passed. */
  async overdue(now: number): Promise<RunRecord[]> {
    const records = await Promise.all((await this.redis.smembers(this.activeKey)).map((id) => this.get(id)));
    return records.filter((r): r is RunRecord => !!r && ACTIVE.includes(r.status) && r.deadline < now);
  }

  /** The newest `limit` runs by start time, newest first. */
  async recent(limit: number): Promise<RunRecord[]> {
    const ids = await this.redis.zrevrange(this.recentKey, 0, RECENT_RUNS - 1);
    const found: RunRecord[] = [];
    const expired: string[] = [];
    for (let next = 0; next < ids.length && found.length < limit; ) {
      const batch = ids.slice(next, next + limit - found.length);
      next += batch.length;
      const records = await Promise.all(batch.map((id) => this.get(id)));
      records.forEach((record, i) => (record ? found.push(record) : expired.push(batch[i])));
    }
    if (expired.length) await this.redis.zrem(this.recentKey, ...expired);
    return found;
  }

  private get activeKey(): string {
    return `${queuePrefix(this.prefix)}:runs:active`;
  }

  private get recentKey(): string {
    return `${queuePrefix(this.prefix)}:runs:recent`;
  }

  /** A run's record, the set of active runs, and the run's set of chunks done. */
  private keys(runId: string): [string, string, string] {
    return [runKey(this.prefix, runId), this.activeKey, chunksDoneKey(this.prefix, runId)];
  }
}
