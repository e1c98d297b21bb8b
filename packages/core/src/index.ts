export * from './interfaces.js';
export {
  INFRASTRUCTURE_USAGE_COST,
  SUMMARY_COLUMNS,
  DATA_SOURCES,
  SUMMARY_ORDER_BY,
  SUMMARY_ORDER_COLUMNS,
  SUMMARY_SQL_TYPES,
  summaryColumns,
  type ColumnKind,
} from './columns.js';
export { InputError, LabelError } from './errors.js';
export {
  ALWAYS_ENABLED_KEY,
  LabelNormalizer,
  mergeLabelJson,
  parseLabels,
  type Labels,
} from './labels.js';
export { APISERVER_NAMESPACE, INFRA_LABEL, marksInfra } from './node-roles.js';
export { CostCategories, likeToRegExp } from './cost-categories.js';
export { monthBounds, referenceSchema, runSpec, runSpecSchema, type RunSpecInput } from './run-spec.js';
export { validIdentifier, sqlString } from './sql-text.js';
export { redactUrl } from './redact.js';
