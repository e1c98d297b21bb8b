export { csvBatches, csvCell } from './csv.js';
export { writeParquetFiles } from './parquet.js';
export { prepareOutput, writeOutputs, type OutputTiming, type PreparedOutput } from './outputs.js';
export {
  checkPostgresReachable,
  checkPostgresTarget,
  initPostgres,
  isPostgresTarget,
  parsePostgresTarget,
  postgresTarget,
  type PostgresTarget,
} from './postgres.js';
export { readPostgresReference, type PostgresReference } from './postgres-reference.js';
export { REFERENCE_TABLES, SUMMARY_TABLE } from './postgres-schema.js';
