export { csvCell, toCsv } from './csv.js';
export { writeParquetFiles } from './parquet.js';
export { prepareOutput, writeOutputs, type PreparedOutput } from './outputs.js';
