import { ACTIVE, type RunRecord, type RunRecords } from './run-records.js';

const REDIS_GRACE_MS = 30_000;

/** Polls a run until it ends, reporting progress; resolves with the final record. */
export async function waitForRun(
  records: RunRecords,
  runId: string,
  onProgress: (record: RunRecord) => void = () => {},
  pollMs = 200,
): Promise<RunRecord> {
  let seen = false;
  let unreachableSince: number | undefined;
  for (;;) {
    let record;
    try {
      record = await records.get(runId);
      unreachableSince = undefined;
    } catch (error) {
      // A Redis restart is survivable: keep asking for a while before giving up.
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > REDIS_GRACE_MS) {
        throw new Error(
          `lost contact with Redis for ${REDIS_GRACE_MS / 1000} s while following run ${runId}: ${(error as Error).message}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    if (!record && seen) {
      throw new Error(
        `run ${runId} vanished from Redis while in progress (was Redis restarted without persistence?); enqueue it again`,
      );
    }
    if (!record) throw new Error(`run ${runId} not found (expired, or a different --prefix or Redis?)`);
    seen = true;
    onProgress(record);
    if (!ACTIVE.includes(record.status)) return record;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
