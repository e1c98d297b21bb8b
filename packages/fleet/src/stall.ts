/**
 * How fast a dead worker's job comes back. A worker renews its job lock every lockDuration/2;
 * a lock not renewed for `lockDuration` marks the job stalled at the next check (every
 * `stalledInterval`), and it goes back to the wait list — at most `maxStalledCount` times, then the
 * job (and so its run) fails. A killed worker's chunk is picked up again within about 5–10 s.
 */
export const STALL = {
  lockDuration: 5_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
} as const;
