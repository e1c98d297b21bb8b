import { DATASET, type Dataset } from './data.js';
import { timed } from './timed.js';

export interface MemoryRun {
  wallMs: number;
  peakRssBytes: number;
  rowsOut: { pod: number; storage: number; unallocated: number };
  /** The phases `ocpsum run` prints, milliseconds (`took` is its own total, after Node's start-up). */
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
  args.push('--threads', String(options.threads), '--out', options.csv);
  const run = await timed(process.execPath, args);
  return { wallMs: run.wallMs, peakRssBytes: run.peakRssBytes, ...parseRunOutput(run.stdout) };
}

/** Reads the rows written and the phase timings from `ocpsum run`'s summary lines. */
export function parseRunOutput(stdout: string): Pick<MemoryRun, 'rowsOut' | 'profile'> {
  const num = (text: string) => Number(text.replace(/,/g, ''));
  const wrote = /wrote\s+([\d,]+) pod, ([\d,]+) storage, ([\d,]+) unallocated rows/.exec(stdout);
  const took = /took\s+([\d.]+) s \(discover ([\d.]+) s, kernel ([\d.]+) s, finalize ([\d.]+) s\)/.exec(stdout);
  if (!wrote || !took) throw new Error(`unexpected output from ocpsum run:\n${stdout}`);
  let sink = 0;
  for (const m of stdout.matchAll(/^sink\s+.*: ([\d.]+) s/gm)) sink += Number(m[1]) * 1000;
  return {
    rowsOut: { pod: num(wrote[1]), storage: num(wrote[2]), unallocated: num(wrote[3]) },
    profile: {
      took: Number(took[1]) * 1000,
      discover: Number(took[2]) * 1000,
      kernel: Number(took[3]) * 1000,
      finalize: Number(took[4]) * 1000,
      sink,
    },
  };
}
