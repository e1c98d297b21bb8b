import type { ObjectStore } from '@ocpsum/storage';
import { discoverDataset } from './discover.js';
import { inspectDataset } from './inspect.js';
import type { Dataset, DatasetId, InputFile, Layout } from './interfaces.js';

/** A dataset found and its files' footers read and checked: everything a run plans from. */
export interface DatasetInput {
  dataset: Dataset;
  files: InputFile[];
}

/** Finds a dataset in its layout and reads its footers, once per run. */
export async function findInput(store: ObjectStore, id: DatasetId, layout?: Layout): Promise<DatasetInput> {
  const dataset = await discoverDataset(store, id, layout);
  return { dataset, files: await inspectDataset(store, dataset) };
}
