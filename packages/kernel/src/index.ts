export { loadChunk } from './chunk-input.js';
export { openEngine, type Engine } from './duckdb.js';
export { runKernel, type Chunk, type FileSchema, type RowRange } from './kernel.js';
export { createPartial, dropPartial } from './partial.js';
export {
  KERNEL_KEYED_TABLES,
  PARTIAL_TABLES,
  PARTIAL_TABLE_NAMES,
  partialTablesDdl,
  type PartialTable,
  type PartialTableName,
} from './partial-tables.js';
export { kernelPartial, stopwatch, summarize, type Summary } from './summarize.js';
export { partialParts, partName, writePartialFile, type PackedFiles } from './partial-file.js';
export { mergePartials, type PartialSource } from './merge.js';
export { finalizeSummary, readSummaryRows, summarySelect } from './finalize.js';
