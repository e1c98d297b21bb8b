import { runSpec, type Reference, type RunSpec } from '@ocpsum/core';
import { summarize } from '@ocpsum/kernel';
import { LocalStore } from '@ocpsum/storage';
import type { Dataset } from './parquet.js';

export type SummarizeOptions = Partial<Omit<RunSpec, 'org' | 'source' | 'year' | 'month' | 'reference'>> & {
  reference?: Partial<Reference>;
};

/** The in-memory path over a test dataset, with no reference data unless told. */
export function summarizeDataset(ds: Dataset, options: SummarizeOptions = {}) {
  const { reference, ...rest } = options;
  const spec = runSpec({
    org: ds.org,
    source: ds.source,
    year: ds.year,
    month: ds.month,
    ...rest,
    reference: { enabledKeys: [], costCategories: [], nodeRoles: [], ...reference },
  });
  return summarize({ store: new LocalStore(ds.root), spec });
}
