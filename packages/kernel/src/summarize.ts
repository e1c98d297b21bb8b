import {
  finalize,
  type ReportType,
  type RowCounts,
  type RunSpec,
  type SummaryCounts,
  type SummaryRow,
} from '@ocpsum/core';
import { localFiles, type ObjectStore } from '@ocpsum/storage';
import { discoverDataset } from './dataset.js';
import { openEngine } from './duckdb.js';
import { InputError } from './input-error.js';
import { inspectFiles } from './inspect.js';
import { runKernel } from './kernel.js';

export interface SummaryResult {
  rows: SummaryRow[];
  counts: SummaryCounts;
  rowsIn: RowCounts;
  files: number;
  /** Milliseconds per phase. */
  timings: Record<'discover' | 'kernel' | 'finalize', number>;
}

/** The in-memory path: the whole dataset as one chunk, then finalize; no Redis, no partials. */
export async function summarize(options: {
  store: ObjectStore;
  spec: RunSpec;
  threads?: number;
}): Promise<SummaryResult> {
  const { store, spec } = options;
  const clock = stopwatch();
  const dataset = await discoverDataset(store, spec);
  const engine = await openEngine(options.threads ?? 4);
  try {
    const objects = Object.entries(dataset.files).flatMap(([type, list]) =>
      list.map(({ key, etag }) => ({ key, etag, type: type as ReportType })),
    );
    const inputs = await localFiles(store, objects);
    const files = await inspectFiles(engine.db, inputs);
    const podFiles = files.filter((f) => f.type === 'openshift_pod_usage_line_items');
    if (podFiles.every((f) => f.rows === 0)) {
      throw new InputError(`empty dataset: the pod usage files under ${store.root}/${dataset.prefix} hold no rows`);
    }
    const discover = clock();

    const partial = await runKernel(
      () => engine.connect(),
      {
        ranges: files.map((file) => ({ file, start: 0, end: file.rows })),
        storageFiles: files.filter((f) => f.type === 'openshift_storage_usage_line_items'),
      },
      spec,
    );
    if (partial.rowsIn.pod === 0) {
      throw new InputError(
        `no pod usage rows between ${spec.startDate} and ${spec.endDate} in ${store.root}/${dataset.prefix}`,
      );
    }
    const kernel = clock();

    const { rows, counts } = finalize(partial, spec);
    return {
      rows,
      counts,
      rowsIn: partial.rowsIn,
      files: files.length,
      timings: { discover, kernel, finalize: clock() },
    };
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
