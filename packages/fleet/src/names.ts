/** Queue names and Redis keys of the fleet, in one place. */

export const QUEUES = { chunks: 'chunks', reduce: 'reduce', whole: 'whole' } as const;

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
/** One day (`YYYY-MM-DD`) of one chunk's partial aggregate. */
export const partialKey = (prefix: string, runId: string, chunk: number, day: string) =>
  `${runKey(prefix, runId)}:partial:${chunk}:${day}`;
export const chunkJobId = (chunk: number) => `chunk-${chunk}`;
