import type { DuckDBConnection } from '@duckdb/node-api';
import type { RunSpec } from '@ocpsum/core';
import {
  filesRead,
  findInput,
  noPodRows,
  rangeRows,
  storageFiles,
  windowRanges,
  type DatasetInput,
  type Layout,
} from '@ocpsum/input';
import type { ObjectStore } from '@ocpsum/storage';
import { loadChunk } from './chunk-input.js';
import { openEngine } from './duckdb.js';
import { finalizeSummary, type FinalizeResult } from './finalize.js';
import { runKernel, type Chunk } from './kernel.js';
import { mergePartials } from './merge.js';
import { createPartial, dropPartial } from './partial.js';

/** A finished summary: its table in an open DuckDB, there until `close()`. */
export interface Summary extends FinalizeResult {
  db: DuckDBConnection;
  input: DatasetInput;
  /** The files of `input` that hold rows of the window (windowRanges), all of which were read. */
  filesRead: number;
  /** Milliseconds per phase. */
  timings: Record<'discover' | 'kernel' | 'finalize', number>;
  close(): void;
}

/**
 * Under this many pod rows, a run's engine returns freed memory to the OS at once: it lowers the
 * peak of a small run, where the time it costs does not show (it would at a million rows).
 */
const SMALL_DATASET_ROWS = 100_000;

/**
 * The in-memory path: the whole dataset as one chunk, then merge and finalize; no Redis, no
 * partials leave DuckDB. `input`, when the caller has found the dataset already, saves reading its
 * footers again. The caller writes the outputs from the summary's table, then closes it.
 */
export async function summarize(options: {
  store: ObjectStore;
  spec: RunSpec;
  layout?: Layout;
  input?: DatasetInput;
  threads?: number;
}): Promise<Summary> {
  const { store, spec } = options;
  const clock = stopwatch();
  const input = options.input ?? (await findInput(store, spec, options.layout));
  const ranges = windowRanges(input.files, spec);
  const chunk = await loadChunk(store, ranges, storageFiles(ranges));
  const discover = clock();
  const small = rangeRows(ranges, 'openshift_pod_usage_line_items') < SMALL_DATASET_ROWS;
  const engine = await openEngine(options.threads ?? 4, { releaseFreedMemory: small });
  try {
    await kernelPartial(engine.db, () => engine.connect(), chunk, spec, 'summary_run');
    const kernel = clock();
    const result = await finalizeSummary(engine.db, 'summary_run', spec);
    if (result.rowsIn.pod === 0) throw noPodRows(spec, input.dataset.location);
    return {
      ...result,
      db: engine.db,
      input,
      filesRead: filesRead(ranges),
      timings: { discover, kernel, finalize: clock() },
      close: () => engine.close(),
    };
  } catch (error) {
    engine.close();
    throw error;
  }
}

/**
 * The kernel over one chunk (on connections from `connect`), its output merged into one row per key
 * (a kernel may write a key of some tables in several parts) in the partial `schema` on `db`: what
 * finalize reads.
 */
export async function kernelPartial(
  db: DuckDBConnection,
  connect: () => Promise<DuckDBConnection>,
  chunk: Chunk,
  spec: RunSpec,
  schema: string,
): Promise<void> {
  const raw = `${schema}_kernel`;
  await createPartial(db, raw);
  try {
    await runKernel(connect, chunk, spec, raw);
    await mergePartials(db, [{ schema: raw }], schema, { kernelOutput: true });
  } finally {
    await dropPartial(db, raw);
  }
}

/** Each call returns the milliseconds since the previous one. */
export function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return Math.round(elapsed);
  };
}
