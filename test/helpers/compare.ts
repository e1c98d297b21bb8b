/**
 * Compares summary rows with hand-computed expectations: numbers within 1e-9 relative, everything else
 * exactly; every mismatch names its row and column.
 */
import type { SummaryRow } from '@ocpsum/core';

/** Every column of koku's daily summary that ocpsum computes. */
export const SUMMARY_COLUMNS = [
  'report_period_id',
  'cluster_id',
  'cluster_alias',
  'data_source',
  'usage_start',
  'usage_end',
  'namespace',
  'node',
  'resource_id',
  'pod',
  'pod_labels',
  'pod_usage_cpu_core_hours',
  'pod_request_cpu_core_hours',
  'pod_effective_usage_cpu_core_hours',
  'pod_limit_cpu_core_hours',
  'pod_usage_memory_gigabyte_hours',
  'pod_request_memory_gigabyte_hours',
  'pod_effective_usage_memory_gigabyte_hours',
  'pod_limit_memory_gigabyte_hours',
  'node_capacity_cpu_cores',
  'node_capacity_cpu_core_hours',
  'node_capacity_memory_gigabytes',
  'node_capacity_memory_gigabyte_hours',
  'cluster_capacity_cpu_core_hours',
  'cluster_capacity_memory_gigabyte_hours',
  'persistentvolumeclaim',
  'persistentvolume',
  'storageclass',
  'csi_volume_handle',
  'volume_labels',
  'persistentvolumeclaim_capacity_gigabyte',
  'persistentvolumeclaim_capacity_gigabyte_months',
  'volume_request_storage_gigabyte_months',
  'persistentvolumeclaim_usage_gigabyte_months',
  'source_uuid',
  'infrastructure_usage_cost',
  'cost_category_id',
  'all_labels',
] as const satisfies readonly (keyof SummaryRow)[];

/** Columns that identify a row in a scenario's output. */
export const KEY_COLUMNS = [
  'data_source',
  'usage_start',
  'namespace',
  'node',
  'pod',
  'persistentvolumeclaim',
  'persistentvolume',
  'all_labels',
] as const satisfies readonly (keyof SummaryRow)[];

/**
 * An expected row: the identifying columns data_source, usage_start, namespace, node and all_labels are
 * required; pod, persistentvolumeclaim and persistentvolume identify too and mean NULL when left out.
 * Any other column given is checked; columns left out are not.
 */
export type ExpectedRow = Partial<SummaryRow> &
  Pick<SummaryRow, 'data_source' | 'usage_start' | 'namespace' | 'node' | 'all_labels'>;

export const RELATIVE_TOLERANCE = 1e-9;

function keyOf(row: Partial<SummaryRow>): string {
  return KEY_COLUMNS.map((column) => JSON.stringify(row[column] ?? null)).join(' | ');
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined (column missing)';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Returns a message when `actual` does not match `expected` for one column, else null. */
export function compareValue(column: string, expected: unknown, actual: unknown): string | null {
  if (expected === null || expected === undefined) {
    return actual === null ? null : `${column}: expected NULL, got ${show(actual)}`;
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || Number.isNaN(actual)) {
      return `${column}: expected ${expected}, got ${show(actual)}`;
    }
    const scale = Math.max(Math.abs(expected), Math.abs(actual));
    const ok = scale === 0 ? true : Math.abs(actual - expected) <= RELATIVE_TOLERANCE * scale;
    return ok ? null : `${column}: expected ${expected}, got ${actual} (difference ${actual - expected})`;
  }
  return Object.is(expected, actual) ? null : `${column}: expected ${show(expected)}, got ${show(actual)}`;
}

/** All mismatches between the actual rows and the expected rows (same count, matched by key). */
export function diffRows(actual: readonly SummaryRow[], expected: readonly ExpectedRow[]): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, SummaryRow[]>();
  for (const row of actual) {
    const key = keyOf(row);
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  const expectedKeys = new Set<string>();
  for (const row of expected) {
    const key = keyOf(row);
    if (expectedKeys.has(key)) problems.push(`test error: two expected rows share the key [${key}]`);
    expectedKeys.add(key);
    const matches = byKey.get(key) ?? [];
    if (matches.length === 0) {
      problems.push(`missing row [${key}]`);
      continue;
    }
    if (matches.length > 1) {
      problems.push(`${matches.length} rows share the key [${key}] (expected one)`);
      continue;
    }
    const got = matches[0] as unknown as Record<string, unknown>;
    for (const [column, value] of Object.entries(row)) {
      const problem = compareValue(column, value, got[column]);
      if (problem) problems.push(`row [${key}] ${problem}`);
    }
  }
  for (const [key, rows] of byKey) {
    if (!expectedKeys.has(key)) problems.push(`unexpected row [${key}] (${rows.length}×)`);
  }
  if (actual.length !== expected.length) {
    problems.unshift(`row count: expected ${expected.length}, got ${actual.length}`);
  }
  return problems;
}

/** Throws one error listing every mismatch. */
export function expectRows(actual: readonly SummaryRow[], expected: readonly ExpectedRow[]): void {
  const problems = diffRows(actual, expected);
  if (problems.length > 0) {
    throw new Error(`summary rows differ from the hand-computed ones:\n  ${problems.join('\n  ')}`);
  }
}

/** Throws when a row lacks a summary column or carries a column the summary does not have. */
export function expectExactColumns(row: object): void {
  const got = Object.keys(row).sort();
  const want = [...SUMMARY_COLUMNS].sort();
  const missing = want.filter((column) => !got.includes(column));
  const extra = got.filter((column) => !(want as string[]).includes(column));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`row columns differ: missing [${missing.join(', ')}], extra [${extra.join(', ')}]`);
  }
}

/** The storage columns, NULL on pod rows. */
export const POD_ROW_STORAGE_NULLS = {
  persistentvolumeclaim: null,
  persistentvolume: null,
  storageclass: null,
  csi_volume_handle: null,
  volume_labels: null,
  persistentvolumeclaim_capacity_gigabyte: null,
  persistentvolumeclaim_capacity_gigabyte_months: null,
  volume_request_storage_gigabyte_months: null,
  persistentvolumeclaim_usage_gigabyte_months: null,
} as const;
