export { openEngine, type Engine } from './duckdb.js';
export { runKernel, type Chunk, type FileSchema, type RowRange } from './kernel.js';
export { summarize, type SummaryResult } from './summarize.js';
