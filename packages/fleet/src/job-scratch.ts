import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { validIdentifier } from '@ocpsum/core';

let jobs = 0;

/** A DuckDB schema of this process for one attempt of a job: jobs running at once never share one. */
export function jobSchema(job: Job): string {
  const run = String((job.data as { runId?: string }).runId ?? 'run').slice(0, 12);
  return validIdentifier(`job_${run.replace(/[^A-Za-z0-9]/g, '')}_${++jobs}`);
}

/** A fresh folder under the temp directory for a job's files. */
export function scratchFolder(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ocpsum-${name}-`));
}
