import { finalize, type RowCounts, type RunSpec, type SummaryCounts, type SummaryRow } from '@ocpsum/core';
import { findInput, InputError, type DatasetInput, type Layout } from '@ocpsum/input';
import { localFiles, type ObjectStore } from '@ocpsum/storage';
import { openEngine } from './duckdb.js';
import { kernelPartial } from './partial-adapter.js';

export interface SummaryResult {
  rows: SummaryRow[];
  counts: SummaryCounts;
  rowsIn: RowCounts;
  input: DatasetInput;
  /** Milliseconds per phase. */
  timings: Record<'discover' | 'kernel' | 'finalize', number>;
}

/**
 * The in-memory path: the whole dataset as one chunk, then finalize; no Redis, no partials.
 * `input`, when the caller has found the dataset already, saves reading its footers again.
 */
export async function summarize(options: {
  store: ObjectStore;
  spec: RunSpec;
  layout?: Layout;
  input?: DatasetInput;
  threads?: number;
}): Promise<SummaryResult> {
  const { store, spec } = options;
  const clock = stopwatch();
  const input = options.input ?? (await findInput(store, spec, options.layout));
  const files = await localFiles(store, input.files);
  const discover = clock();
  const engine = await openEngine(options.threads ?? 4);
  try {
    // Until finalize reads the partial's tables, the adapter reads them back (counted as kernel time).
    const partial = await kernelPartial(
      () => engine.connect(),
      {
        ranges: files.map((file) => ({ file, start: 0, end: file.rows })),
        storageFiles: files.filter((f) => f.type === 'openshift_storage_usage_line_items'),
      },
      spec,
    );
    if (partial.rowsIn.pod === 0) {
      throw new InputError(
        `no pod usage rows between ${spec.startDate} and ${spec.endDate} at ${input.dataset.location}`,
      );
    }
    const kernel = clock();

    const { rows, counts } = finalize(partial, spec);
    return { rows, counts, rowsIn: partial.rowsIn, input, timings: { discover, kernel, finalize: clock() } };
  } finally {
    engine.close();
  }
}

/** Each call returns the milliseconds since the previous one. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return Math.round(elapsed);
  };
}
