import { runSpec, type Reference, type RunSpec } from '@ocpsum/core';
import { readSummaryRows, summarize } from '@ocpsum/kernel';
import { LocalStore } from '@ocpsum/storage';
import type { Dataset } from './parquet.js';

export type SummarizeOptions = Partial<Omit<RunSpec, 'org' | 'source' | 'year' | 'month' | 'reference'>> & {
  reference?: Partial<Reference>;
};

/** The in-memory path over a test dataset, with no reference data unless told; its rows in output order. */
export async function summarizeDataset(ds: Dataset, options: SummarizeOptions = {}) {
  const { reference, ...rest } = options;
  const spec = runSpec({
    org: ds.org,
    source: ds.source,
    year: ds.year,
    month: ds.month,
    ...rest,
    reference: { enabledKeys: [], costCategories: [], nodeRoles: [], ...reference },
  });
  return summaryOf(await summarize({ store: new LocalStore(ds.root), spec }));
}

/** A summary's rows (every column, `pod` NULL unless by pod), counts and rows read; its DuckDB closed. */
export async function summaryOf(summary: Awaited<ReturnType<typeof summarize>>) {
  try {
    const rows = await readSummaryRows(summary.db, summary.table.split('.')[0]);
    return { rows, counts: summary.counts, rowsIn: summary.rowsIn, input: summary.input };
  } finally {
    summary.close();
  }
}
