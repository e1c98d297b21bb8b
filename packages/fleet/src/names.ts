/** Queue names and Redis keys of the fleet, in one place. */

/**
 * A large run is two flows: `chunks` under a `reduce` job, which, once they are done, merges their
 * window tables and adds `days` (each a day reduce over consecutive days) under a `commit` job. A
 * small run is one `whole` job.
 */
export const QUEUES = { chunks: 'chunks', reduce: 'reduce', days: 'days', commit: 'commit', whole: 'whole' } as const;

/**
 * BullMQ prefix. Wrapped in `{…}` so Redis Cluster hashes every key of the fleet to one slot
 * (BullMQ's scripts touch several keys at once).
 */
export function queuePrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) {
    throw new Error(`invalid prefix "${prefix}": use 1-64 letters, digits, ".", "_" or "-"`);
  }
  return `{${prefix}}`;
}

export const runKey = (prefix: string, runId: string) => `${queuePrefix(prefix)}:run:${runId}`;
/**
 * The chunks of an active run that are done, by number: a set, so a chunk delivered again counts
 * once. It lives from the run's start to its verdict (run-records.ts).
 */
export const chunksDoneKey = (prefix: string, runId: string) => `${runKey(prefix, runId)}:chunks-done`;
/** One day (`YYYY-MM-DD`) of one chunk's partial aggregate, or (`window`) its window tables. */
export const partialKey = (prefix: string, runId: string, chunk: number, part: string) =>
  `${runKey(prefix, runId)}:partial:${chunk}:${part}`;
/**
 * Every chunk's window tables merged once, by the `reduce` job of one attempt of a run (its job id's
 * last part), for all its day reduces: they read one window file, not one per chunk.
 */
export const runWindowKey = (prefix: string, runId: string, attempt: string) =>
  `${runKey(prefix, runId)}:partial:window:${attempt}`;
/** A staged file of one output (`target`: its index among the run's outputs), as a day reduce staged it. */
export const stagedKey = (prefix: string, runId: string, target: number, file: string) =>
  `${runKey(prefix, runId)}:staged:${target}:${file}`;
/**
 * Names what one attempt of a run stages outside Redis (PostgreSQL's staging table): `part` is the
 * attempt, or `whole` for a whole job.
 */
export const stagingId = (runId: string, part: string) => `${runId.slice(0, 24)}_${part}`;
/** Every key of one kind of a run's data (`partial` or `staged`), as a SCAN pattern. */
export const runDataPattern = (prefix: string, runId: string, kind: 'partial' | 'staged') =>
  `${runKey(prefix, runId)}:${kind}:*`;
export const chunkJobId = (chunk: number) => `chunk-${chunk}`;
