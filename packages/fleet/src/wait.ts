import { ACTIVE, type RunRecord, type RunRecords } from './run-records.js';

/** Polls a run until it ends, reporting progress; resolves with the final record. */
export async function waitForRun(
  records: RunRecords,
  runId: string,
  onProgress: (record: RunRecord) => void = () => {},
  pollMs = 200,
): Promise<RunRecord> {
  for (;;) {
    const record = await records.get(runId);
    if (!record) throw new Error(`run ${runId} not found (expired, or a different --prefix or Redis?)`);
    onProgress(record);
    if (!ACTIVE.includes(record.status)) return record;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
