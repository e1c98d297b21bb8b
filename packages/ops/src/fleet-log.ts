import type { FleetEvents, JobInfo } from '@ocpsum/fleet';
import type { Logger } from 'pino';

/** One log line per job and run event, with run id, chunk, attempt and durations as fields. */
export function fleetLog(log: Logger): FleetEvents {
  const fields = (job: JobInfo) => ({
    queue: job.queue,
    jobId: job.jobId,
    runId: job.runId,
    chunk: job.chunk,
    attempt: job.attempt,
    job: job.name,
  });
  return {
    jobStarted(job) {
      log.info({ event: 'job.started', ...fields(job) }, `started ${job.name}`);
    },
    jobCompleted(job, { durationMs, rows }) {
      log.info(
        { event: 'job.completed', ...fields(job), durationMs: Math.round(durationMs), rows },
        `completed ${job.name}`,
      );
    },
    jobFailed(job, err, { final, durationMs }) {
      const entry = {
        event: 'job.failed',
        ...fields(job),
        final,
        durationMs: durationMs === undefined ? undefined : Math.round(durationMs),
        err,
      };
      if (final) log.error(entry, `failed ${job.name}: ${err.message}`);
      else log.warn(entry, `attempt ${job.attempt} of ${job.name} failed, will retry: ${err.message}`);
    },
    runFinished({ runId, status, durationMs, error }) {
      const entry = { event: 'run.finished', runId, status, durationMs: Math.round(durationMs), error };
      if (status === 'done') log.info(entry, `run ${runId} done`);
      else log.error(entry, `run ${runId} ${status}: ${error ?? ''}`);
    },
    error(source, err) {
      log.error({ event: 'error', source, err }, `${source}: ${err.message}`);
    },
  };
}

/** Several observers as one: each event goes to each, in order. */
export function allEvents(...observers: FleetEvents[]): FleetEvents {
  const keys = ['jobStarted', 'jobCompleted', 'jobFailed', 'runFinished', 'error'] as const;
  const combined: FleetEvents = {};
  for (const key of keys) {
    const handlers = observers.map((o) => o[key]?.bind(o)).filter((h) => h !== undefined) as ((
      ...args: unknown[]
    ) => void)[];
    if (handlers.length === 0) continue;
    (combined as Record<string, (...args: unknown[]) => void>)[key] = (...args) => {
      for (const handler of handlers) {
        try {
          handler(...args);
        } catch {
          // One observer's failure neither stops the others nor reaches the fleet.
        }
      }
    };
  }
  return combined;
}
