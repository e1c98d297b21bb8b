export * from './interfaces.js';
export { SUMMARY_COLUMNS, compareRows, summaryColumns, type ColumnKind } from './columns.js';
export { finalize, INFRASTRUCTURE_USAGE_COST } from './finalize.js';
export {
  ALWAYS_ENABLED_KEY,
  LabelError,
  LabelNormalizer,
  filterLabels,
  labelsJson,
  mergeLabelJson,
  parseLabels,
  type Labels,
} from './labels.js';
export { APISERVER_NAMESPACE, INFRA_LABEL, marksInfra, nodeRoleResolver } from './node-roles.js';
export { CostCategories, likeToRegExp } from './like.js';
export { addN, maxN, subN } from './nums.js';
export {
  addCapacity,
  addInfraNode,
  addLatestLabels,
  addNodeRoleFact,
  addPodGroup,
  addRowCounts,
  addPodNode,
  addStorageGroup,
  emptyPartial,
  groupKey,
  mergeInto,
  mergePartials,
} from './partial.js';
export { monthBounds, referenceSchema, runSpec, runSpecSchema, type RunSpecInput } from './run-spec.js';
export { coreHours, daysInMonth, gigabyteHours, gigabyteMonths, gigabytes } from './units.js';
export { sqlIdentifier, sqlString } from './sql-text.js';
export { redactUrl } from './redact.js';
