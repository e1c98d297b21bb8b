import { DATASET, type Dataset } from './data.js';
import { finishedRun } from './run-document.js';
import { timed } from './timed.js';

export interface MemoryRun {
  wallMs: number;
  peakRssBytes: number;
  rowsOut: { pod: number; storage: number; unallocated: number };
  /** The phases of `ocpsum run`'s document, milliseconds (`took` is its own total, after Node's start-up). */
  profile: { took: number; discover: number; kernel: number; finalize: number; sink: number };
}

/** One `ocpsum run --mode memory` as a child process under GNU time; `csv` is where it writes (kept for the check). */
export async function memoryRun(
  cli: string,
  dataset: Dataset,
  options: { threads: number; reference: string; csv: string },
): Promise<MemoryRun> {
  const args = [
    cli,
    'run',
    '--mode',
    'memory',
    '--root',
    dataset.dir,
    '--org',
    DATASET.org,
    '--source',
    DATASET.source,
  ];
  args.push('--year', String(DATASET.year), '--month', String(DATASET.month), '--reference', options.reference);
  args.push('--threads', String(options.threads), '--out', options.csv, '--json');
  const command = await timed(process.execPath, args);
  const { report, durationMs } = finishedRun(command.stdout, command.stderr);
  const { pod, storage, unallocated } = report.rowsOut;
  const { discover, kernel, finalize, sink } = report.phases;
  return {
    wallMs: command.wallMs,
    peakRssBytes: command.peakRssBytes,
    rowsOut: { pod, storage, unallocated },
    profile: { took: durationMs, discover, kernel, finalize, sink },
  };
}
