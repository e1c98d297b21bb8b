export { discoverDataset, monthPrefix, type Dataset, type DatasetId } from './dataset.js';
export { openEngine, type Engine } from './duckdb.js';
export { InputError } from './input-error.js';
export { INPUT_COLUMNS } from './input-schema.js';
export { inspectFile, inspectFiles, type FileSchema, type InputFile } from './inspect.js';
export { runKernel, type Chunk, type RowRange } from './kernel.js';
export { sqlIdentifier, sqlString } from '@ocpsum/core';
export { summarize, type SummaryResult } from './summarize.js';
