export type { OutputTiming, StagedFile, Staging, SummarySource } from './interfaces.js';
export { commitOutputs, discardStaging, stageOutputs, writeOutputs } from './outputs.js';

export {
  checkPostgresReachable,
  checkPostgresTarget,
  initPostgres,
  isPostgresTarget,
  parsePostgresTarget,
  postgresTarget,
  type PostgresTarget,
} from './postgres-target.js';
export { readPostgresReference, type PostgresReference } from './postgres-reference.js';
export { REFERENCE_TABLES, SUMMARY_TABLE } from './postgres-schema.js';
