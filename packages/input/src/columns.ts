import type { ReportType } from '@ocpsum/core';
import type { IntervalKind } from './interfaces.js';

/** How a column must look: `number` is any integer, float or decimal type. */
export type ColumnKind = 'string' | 'number' | 'timestamp' | 'labels';

export interface ColumnRule {
  name: string;
  kind: ColumnKind;
  required: boolean;
}

const req = (kind: ColumnKind, ...names: string[]): ColumnRule[] =>
  names.map((name) => ({ name, kind, required: true }));
const opt = (kind: ColumnKind, ...names: string[]): ColumnRule[] =>
  names.map((name) => ({ name, kind, required: false }));

/** The columns each report type is read for (docs/rules.md §2). */
export const INPUT_COLUMNS: Record<ReportType, ColumnRule[]> = {
  openshift_pod_usage_line_items: [
    ...req('timestamp', 'interval_start'),
    ...req('string', 'namespace', 'node', 'pod', 'resource_id'),
    ...req('labels', 'pod_labels'),
    ...req(
      'number',
      'pod_usage_cpu_core_seconds',
      'pod_request_cpu_core_seconds',
      'pod_limit_cpu_core_seconds',
      'pod_usage_memory_byte_seconds',
      'pod_request_memory_byte_seconds',
      'pod_limit_memory_byte_seconds',
      'node_capacity_cpu_cores',
      'node_capacity_cpu_core_seconds',
      'node_capacity_memory_bytes',
      'node_capacity_memory_byte_seconds',
    ),
    ...opt('number', 'pod_effective_usage_cpu_core_seconds', 'pod_effective_usage_memory_byte_seconds'),
    ...opt('string', 'node_role'),
  ],
  openshift_storage_usage_line_items: [
    ...req('timestamp', 'interval_start'),
    ...req('string', 'namespace', 'pod', 'persistentvolumeclaim', 'persistentvolume', 'storageclass'),
    ...req(
      'number',
      'persistentvolumeclaim_capacity_bytes',
      'persistentvolumeclaim_capacity_byte_seconds',
      'volume_request_storage_byte_seconds',
      'persistentvolumeclaim_usage_byte_seconds',
    ),
    ...req('labels', 'persistentvolume_labels', 'persistentvolumeclaim_labels'),
    ...opt('string', 'csi_volume_handle'),
  ],
  openshift_node_labels_line_items: [
    ...req('timestamp', 'interval_start'),
    ...req('string', 'node'),
    ...req('labels', 'node_labels'),
  ],
  openshift_namespace_labels_line_items: [
    ...req('timestamp', 'interval_start'),
    ...req('string', 'namespace'),
    ...req('labels', 'namespace_labels'),
  ],
};

const NUMBER_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;

/** Whether a DuckDB type satisfies a kind; NULL-typed columns (all empty) pass any kind. */
export function typeMatches(kind: ColumnKind, duckType: string): boolean {
  if (duckType === '"NULL"' || duckType === 'NULL') return true;
  switch (kind) {
    case 'number':
      return NUMBER_TYPE.test(duckType);
    case 'timestamp':
      return intervalKind(duckType) !== null;
    case 'string':
    case 'labels':
      return duckType === 'VARCHAR' || duckType === 'JSON';
  }
}

export function intervalKind(duckType: string): IntervalKind | null {
  if (duckType === 'VARCHAR') return 'string';
  if (duckType === 'TIMESTAMP WITH TIME ZONE') return 'timestamptz';
  if (/^TIMESTAMP(_S|_MS|_NS)?$/.test(duckType) || duckType === 'DATE') return 'timestamp';
  return null;
}

export const EXPECTED: Record<ColumnKind, string> = {
  number: 'a number (integer, float or decimal)',
  timestamp: 'a TIMESTAMP or a string such as "2025-10-01 00:00:00 +0000 UTC"',
  string: 'a string',
  labels: 'a string holding labels (JSON object or label_key:value|… form)',
};
