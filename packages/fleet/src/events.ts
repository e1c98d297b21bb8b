import type { Job } from 'bullmq';
import type { RunRecords } from './run-records.js';

/** A job as observers see it: where it ran and what it belongs to. */
export interface JobInfo {
  queue: string;
  jobId: string;
  name: string;
  runId?: string;
  /** Chunk number (0-based) of a `chunks` job. */
  chunk?: number;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * What a fleet process tells its observers (logs, metrics). Every callback is optional; none of
 * them can fail or slow a job: a throwing observer is ignored.
 */
export interface FleetEvents {
  jobStarted?(job: JobInfo): void;
  /** `rows`: pod, storage and label rows read (chunk and whole jobs). */
  jobCompleted?(job: JobInfo, result: { durationMs: number; rows?: number }): void;
  /** One failed attempt; `final` when no attempt is left (the run fails). */
  jobFailed?(job: JobInfo, error: Error, result: { final: boolean; durationMs?: number }): void;
  /** This process recorded the run's verdict (exactly one process does, per run). */
  runFinished?(run: {
    runId: string;
    status: 'done' | 'failed' | 'cancelled';
    durationMs: number;
    error?: string;
  }): void;
  /** An error outside any job (lost Redis connection, lock renewal). */
  error?(source: string, error: Error): void;
}

export function notify<K extends keyof FleetEvents>(
  events: FleetEvents | undefined,
  event: K,
  ...args: Parameters<NonNullable<FleetEvents[K]>>
): void {
  const handler = events?.[event] as ((...a: unknown[]) => void) | undefined;
  if (!handler) return;
  try {
    handler.apply(events, args);
  } catch {
    // An observer never breaks the fleet.
  }
}

export function jobInfo(queue: string, job: Job): JobInfo {
  const data = (job.data ?? {}) as { runId?: unknown; chunk?: unknown };
  return {
    queue,
    jobId: String(job.id),
    name: job.name,
    runId: typeof data.runId === 'string' ? data.runId : undefined,
    chunk: typeof data.chunk === 'number' ? data.chunk : undefined,
    attempt: job.attemptsMade + 1,
  };
}

/** Runs a job's processor, telling observers when it starts and how it ended. */
export async function observed<T>(
  events: FleetEvents | undefined,
  queue: string,
  job: Job,
  work: () => Promise<T>,
  rowsOf: (result: T) => number | undefined = () => undefined,
): Promise<T> {
  const info = jobInfo(queue, job);
  notify(events, 'jobStarted', info);
  const started = performance.now();
  const result = await work();
  notify(events, 'jobCompleted', info, { durationMs: performance.now() - started, rows: rowsOf(result) });
  return result;
}

/** Records a run's verdict; observers hear of it only from the process whose verdict stood. */
export async function finishRun(
  records: RunRecords,
  events: FleetEvents | undefined,
  runId: string,
  outcome: Parameters<RunRecords['finish']>[1],
): Promise<boolean> {
  const recorded = await records.finish(runId, outcome);
  if (recorded && events?.runFinished) {
    const record = await records.get(runId).catch(() => null);
    const durationMs = record?.finishedAt && record.createdAt ? record.finishedAt - record.createdAt : 0;
    notify(events, 'runFinished', {
      runId,
      status: outcome.status,
      durationMs,
      error: outcome.status === 'done' ? undefined : outcome.error,
    });
  }
  return recorded;
}

/**
 * A failed attempt of a job: observers are told, and the last attempt (or an unrecoverable error)
 * fails the job's run with the reason.
 */
export async function attemptFailed(
  records: RunRecords,
  events: FleetEvents | undefined,
  queue: string,
  job: Job,
  error: Error,
): Promise<void> {
  // BullMQ sets finishedOn when it moves a job to the failed set: after its last attempt, or after
  // any attempt that threw an UnrecoverableError (attemptsMade is then below attempts). A job it
  // retries has none. attemptsMade already counts the attempt that failed.
  const final = job.finishedOn !== undefined;
  notify(events, 'jobFailed', { ...jobInfo(queue, job), attempt: job.attemptsMade }, error, {
    final,
    durationMs: job.processedOn ? Date.now() - job.processedOn : undefined,
  });
  const runId = (job.data as { runId?: string }).runId;
  if (final && runId) {
    await finishRun(records, events, runId, { status: 'failed', error: `${job.name}: ${error.message}` }).catch(
      () => {},
    );
  }
}
