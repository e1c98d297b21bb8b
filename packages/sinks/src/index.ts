export type { OutputTiming, PreparedOutput, SummarySource } from './interfaces.js';
export { prepareOutput, writeOutputs } from './outputs.js';

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
