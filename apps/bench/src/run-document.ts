import type { RunDocument, RunReport } from '@ocpsum/fleet';

export type FinishedRun = RunDocument & { report: RunReport; finishedAt: number; durationMs: number };

/** The document `ocpsum run --json` or `ocpsum enqueue --wait --json` printed; throws unless the run is done. */
export function finishedRun(stdout: string, stderr: string): FinishedRun {
  let run: RunDocument;
  try {
    run = JSON.parse(stdout) as RunDocument;
  } catch (error) {
    throw new Error(`ocpsum printed no JSON document (${(error as Error).message}):\n${stdout.slice(-2000)}`);
  }
  if (run.status !== 'done' || !run.report || run.finishedAt === null || run.durationMs === null) {
    throw new Error(`run ${run.runId ?? '(memory)'} ended ${run.status}: ${run.error ?? ''}\n${stderr.slice(-2000)}`);
  }
  return run as FinishedRun;
}
