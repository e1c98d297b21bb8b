export type { Connect, OutputTiming, StagedFile, Staging, SummarySource } from './interfaces.js';
export { commitOutputs, discardStaging, stageOutputs, writeOutputs } from './outputs.js';

export {
  checkPostgresReachable,
  checkPostgresTarget,
  initPostgres,
  isPostgresTarget,
  parsePostgresTarget,
  postgresTarget,
} from './postgres-target.js';
export { readPostgresReference } from './postgres-reference.js';
