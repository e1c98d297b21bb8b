export {
  REPORT_TYPES,
  type NodeRole,
  type Reference,
  type ReportType,
  type RowCounts,
  type RunSpec,
  type SummaryCounts,
  type SummaryRow,
} from './interfaces.js';
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
export { ALWAYS_ENABLED_KEY, LabelNormalizer, mergeLabelJson, parseLabels } from './labels.js';
export { APISERVER_NAMESPACE, marksInfra } from './node-roles.js';
export { CostCategories } from './cost-categories.js';
export { monthBounds, runSpec, runSpecSchema } from './run-spec.js';
export { sqlString, validIdentifier } from './sql-text.js';
export { redactUrl } from './redact.js';
