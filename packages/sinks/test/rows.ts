/** Summary rows for the sink tests: one with every column set, and a generator of awkward ones. */
import fc from 'fast-check';
import { SUMMARY_ORDER_COLUMNS, type SummaryRow } from '@ocpsum/core';

export const SOURCE = '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c';

const NUMBERS = [
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
  'persistentvolumeclaim_capacity_gigabyte',
  'persistentvolumeclaim_capacity_gigabyte_months',
  'volume_request_storage_gigabyte_months',
  'persistentvolumeclaim_usage_gigabyte_months',
] as const satisfies readonly (keyof SummaryRow)[];

/**
 * Rows a sink must write as they are: NULLs beside empty strings, quotes, commas, line breaks,
 * JSON, non-ASCII text, awkward doubles.
 */
export function awkwardRows(): SummaryRow[] {
  return [
    row(),
    row({ namespace: '', node: null, pod_labels: '{"app":"a,b","q":"say \\"hi\\""}', cost_category_id: null }),
    row({ namespace: 'line\nbreak', cluster_alias: 'a "quoted", alias', resource_id: 'cr\rx', report_period_id: null }),
    row({ data_source: 'Storage', persistentvolumeclaim: 'pvc,1', persistentvolume: '', storageclass: ' gp3 ' }),
    row({ usage_start: '2025-10-31', usage_end: '2025-10-31', namespace: 'ümlaut 中文', infrastructure_usage_cost: null }),
    row({ node: 'node-2', pod_usage_cpu_core_hours: 0.1 + 0.2, pod_request_cpu_core_hours: 3, node_capacity_cpu_cores: 1e-7 }),
  ];
}

/** A pod row with every column set. */
export function row(over: Partial<SummaryRow> = {}): SummaryRow {
  const numbers = Object.fromEntries(NUMBERS.map((c, i) => [c, i + 0.5])) as Record<(typeof NUMBERS)[number], number>;
  return {
    report_period_id: 41,
    cluster_id: 'cluster-1',
    cluster_alias: 'Cluster One',
    data_source: 'Pod',
    usage_start: '2025-10-01',
    usage_end: '2025-10-01',
    namespace: 'ns-1',
    node: 'node-1',
    resource_id: 'i-1',
    pod: null,
    pod_labels: '{"app":"web"}',
    ...numbers,
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    csi_volume_handle: null,
    volume_labels: null,
    source_uuid: SOURCE,
    infrastructure_usage_cost: '{"cpu": 0, "memory": 0, "storage": 0}',
    cost_category_id: 1,
    all_labels: '{"app":"web"}',
    ...over,
  };
}

/**
 * Text as hard as CSV gets: empty, quotes, commas, CR, LF, spaces, non-ASCII. Characters of the
 * Basic Multilingual Plane below the surrogates only, where UTF-8 byte order (DuckDB's) and UTF-16
 * code unit order (compareRows') agree.
 */
const CHARS = ['a', 'b', 'Z', '0', ',', '"', '\n', '\r', ' ', '\t', 'é', 'ü', '中', '{', '}', ':', '\\', "'", 'N'];
export const text = fc.oneof(
  fc.constantFrom('', 'a', 'NULL', 'a,b', '"', ' lead', 'trail ', 'line\nbreak', 'cr\rx', '{"k":"v, w"}'),
  fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map((cs) => cs.join('')),
);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
export const double = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 0.1, 1 / 3, 2 ** 53 + 2, 5e-324, 1.7976931348623157e308, 1e21, 1e-7, 123456789.12345679, -2.5),
);
const day = fc.constantFrom('2025-10-01', '2025-10-02', '2025-10-31');


/**
 * Rows that differ in few keys (so later keys decide the order) and hold awkward values everywhere;
 * no two with the same key, as the summary has none.
 */
export const rows = fc
  .uniqueArray(
    fc.record({
      report_period_id: nullable(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
      cluster_id: text,
      cluster_alias: text,
      data_source: fc.constantFrom('Pod' as const, 'Storage' as const),
      usage_start: day,
      namespace: nullable(fc.constantFrom('ns', 'ns-b', 'é', '', 'a,b')),
      node: nullable(fc.constantFrom('n1', 'n2', '')),
      resource_id: nullable(fc.constantFrom('i-1', 'i-2')),
      pod: nullable(text),
      pod_labels: nullable(fc.constantFrom('{}', '{"app":"a"}', '{"app":"b","x":"1,2"}')),
      persistentvolumeclaim: nullable(text),
      persistentvolume: nullable(text),
      storageclass: nullable(text),
      csi_volume_handle: nullable(text),
      volume_labels: nullable(text),
      infrastructure_usage_cost: nullable(text),
      cost_category_id: nullable(fc.integer({ min: 0, max: 100 })),
      all_labels: text,
      numbers: fc.array(nullable(double), { minLength: NUMBERS.length, maxLength: NUMBERS.length }),
    }),
    { maxLength: 40, selector: (r) => JSON.stringify(SUMMARY_ORDER_COLUMNS.map((k) => (r as Record<string, unknown>)[k])) },
  )
  .map((records) =>
    records.map(({ numbers, ...r }) =>
      row({ ...r, usage_end: r.usage_start, ...Object.fromEntries(NUMBERS.map((c, i) => [c, numbers[i]])) }),
    ),
  );
