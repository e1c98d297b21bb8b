/**
 * Test helpers: write small Parquet files with DuckDB and lay them out like real buckets, in the
 * POC's layout unless told (spelled out here, not taken from the product, so tests check it):
 *
 * poc:  `{root}/data/{org}/OCP/source={uuid}/year={YYYY}/month={MM}/day=01/{report_type}/part-0.parquet`
 * masu: `{root}/data/parquet/{org}/OCP/{pod_usage|storage_usage|…}/source={uuid}/year={YYYY}/month={MM}/day-01_part-0.parquet`
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { sqlString } from '@ocpsum/core';

/** Writes `rows` (one array per row, in the order of `columns`) to a Parquet file at `path`. */
export async function writeParquet(
  path: string,
  columns: Record<string, string>,
  rows: unknown[][],
): Promise<void> {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error('writeParquet: no columns');
  for (const [index, row] of rows.entries()) {
    if (row.length !== names.length) {
      throw new Error(`writeParquet: row ${index} has ${row.length} values, expected ${names.length}`);
    }
  }
  await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
    await connection.run(
      `CREATE TABLE t (${names.map((name) => `${quoteIdent(name)} ${columns[name]}`).join(', ')})`,
    );
    // Cast every parameter to its column type, so a string can fill a TIMESTAMP column.
    const placeholders = names.map((name, i) => `CAST($${i + 1} AS ${columns[name]})`).join(', ');
    const insert = `INSERT INTO t VALUES (${placeholders})`;
    // Numbers go as text (exact for doubles): a whole-valued JS number would bind as BIGINT and 1e300 overflow it.
    const bind = (value: unknown) => (value === undefined ? null : typeof value === 'number' ? String(value) : value);
    for (const row of rows) {
      await connection.run(insert, row.map(bind) as DuckDBValue[]);
    }
    await connection.run(`COPY t TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Summary rows in the Parquet files at `path` (a file or a glob), and their pod usage CPU core-hours. */
export async function parquetSummary(path: string): Promise<{ rows: number; cpuHours: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(
      'SELECT count(*)::INTEGER AS n, coalesce(sum(pod_usage_cpu_core_hours), 0)::DOUBLE AS cpu FROM read_parquet($path)',
      { path },
    );
    const [{ n, cpu }] = reader.getRowObjects() as { n: number; cpu: number }[];
    return { rows: n, cpuHours: cpu };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------
// Dataset layout

export type ReportTypeName =
  | 'openshift_pod_usage_line_items'
  | 'openshift_storage_usage_line_items'
  | 'openshift_node_labels_line_items'
  | 'openshift_namespace_labels_line_items';

export interface Dataset {
  /** Local folder that plays the role of the bucket + prefix. */
  root: string;
  org: string;
  source: string;
  year: number;
  month: number;
  layout?: 'masu' | 'poc';
}

export const DEFAULT_ORG = 'org1234567';
export const DEFAULT_SOURCE = '6f1c4a2e-1b2c-4d3e-8f90-0123456789ab';

/** A fresh temporary root for one dataset (one source × one month). */
export async function makeDataset(options: {
  year: number;
  month: number;
  org?: string;
  source?: string;
  layout?: 'masu' | 'poc';
}): Promise<Dataset> {
  const root = await mkdtemp(join(tmpdir(), 'ocpsum-golden-'));
  return {
    root,
    org: options.org ?? DEFAULT_ORG,
    source: options.source ?? DEFAULT_SOURCE,
    year: options.year,
    month: options.month,
    layout: options.layout,
  };
}

export async function removeDataset(dataset: Dataset): Promise<void> {
  await rm(dataset.root, { recursive: true, force: true });
}

/** `data/{org}/OCP/source={uuid}/year={YYYY}/month={MM}` (object key, relative to the root). */
export function monthPrefix(dataset: Dataset): string {
  const yyyy = String(dataset.year).padStart(4, '0');
  const mm = String(dataset.month).padStart(2, '0');
  return `data/${dataset.org}/OCP/source=${dataset.source}/year=${yyyy}/month=${mm}`;
}

export interface WriteOptions {
  /** Folder between month and report type; `day=01` unless told. */
  folder?: string;
  /** File name; `part-0.parquet` unless told. */
  file?: string;
  /** Replace the report type segment (to write decoys that must NOT be read). */
  reportSegment?: string;
  /**
   * DuckDB type of interval_start: TIMESTAMP (default), VARCHAR (nise/CSV style strings) or
   * TIMESTAMPTZ (give values with an offset, e.g. `2025-10-01 23:00:00+00`).
   */
  intervalType?: 'TIMESTAMP' | 'VARCHAR' | 'TIMESTAMPTZ';
  /** DuckDB types that replace a report's own for some of its columns (`{ pod_labels: 'DOUBLE' }`). */
  types?: Record<string, string>;
}

const MASU_FOLDER: Record<ReportTypeName, string> = {
  openshift_pod_usage_line_items: 'pod_usage',
  openshift_storage_usage_line_items: 'storage_usage',
  openshift_node_labels_line_items: 'node_labels',
  openshift_namespace_labels_line_items: 'namespace_labels',
};

export function reportFile(dataset: Dataset, reportType: ReportTypeName, options: WriteOptions = {}): string {
  if (dataset.layout === 'masu') {
    const mm = String(dataset.month).padStart(2, '0');
    const folder = options.reportSegment ?? MASU_FOLDER[reportType];
    const file = `${(options.folder ?? 'day=01').replace(/[/=]/g, '-')}_${options.file ?? 'part-0.parquet'}`;
    return join(
      dataset.root,
      ...`data/parquet/${dataset.org}/OCP/${folder}/source=${dataset.source}/year=${dataset.year}/month=${mm}`.split('/'),
      file,
    );
  }
  return join(
    dataset.root,
    ...monthPrefix(dataset).split('/'),
    options.folder ?? 'day=01',
    options.reportSegment ?? reportType,
    options.file ?? 'part-0.parquet',
  );
}

async function writeReport<Row extends object>(
  dataset: Dataset,
  reportType: ReportTypeName,
  columns: Record<string, string>,
  rows: Row[],
  options: WriteOptions,
): Promise<string> {
  const names = Object.keys(columns);
  const path = reportFile(dataset, reportType, options);
  await writeParquet(
    path,
    { ...columns, ...options.types },
    rows.map((row) => names.map((name) => (row as Record<string, unknown>)[name] ?? null)),
  );
  return path;
}

// ---------------------------------------------------------------------------------------------
// Pod usage

export interface PodUsageRow {
  interval_start: string;
  namespace: string | null;
  node: string | null;
  pod: string | null;
  resource_id: string | null;
  pod_labels: string | null;
  pod_usage_cpu_core_seconds: number | null;
  pod_request_cpu_core_seconds: number | null;
  pod_limit_cpu_core_seconds: number | null;
  pod_usage_memory_byte_seconds: number | null;
  pod_request_memory_byte_seconds: number | null;
  pod_limit_memory_byte_seconds: number | null;
  pod_effective_usage_cpu_core_seconds: number | null;
  pod_effective_usage_memory_byte_seconds: number | null;
  node_capacity_cpu_cores: number | null;
  node_capacity_cpu_core_seconds: number | null;
  node_capacity_memory_bytes: number | null;
  node_capacity_memory_byte_seconds: number | null;
  /** Written only when `writePodUsage` is given a `nodeRole` column type. */
  node_role?: unknown;
}

/**
 * A pod usage row with defaults: 2025-10-01 00:00:00, namespace `ns`, node `n1`, pod `p1`,
 * resource_id `i-{node}` (null for an empty/null node), no labels (''), every usage, request, limit and
 * capacity number 0, effective usage NULL.
 */
export function podRow(overrides: Partial<PodUsageRow> = {}): PodUsageRow {
  const node = overrides.node === undefined ? 'n1' : overrides.node;
  return {
    interval_start: '2025-10-01 00:00:00',
    namespace: 'ns',
    node,
    pod: 'p1',
    resource_id: node ? `i-${node}` : null,
    pod_labels: '',
    pod_usage_cpu_core_seconds: 0,
    pod_request_cpu_core_seconds: 0,
    pod_limit_cpu_core_seconds: 0,
    pod_usage_memory_byte_seconds: 0,
    pod_request_memory_byte_seconds: 0,
    pod_limit_memory_byte_seconds: 0,
    pod_effective_usage_cpu_core_seconds: null,
    pod_effective_usage_memory_byte_seconds: null,
    node_capacity_cpu_cores: 0,
    node_capacity_cpu_core_seconds: 0,
    node_capacity_memory_bytes: 0,
    node_capacity_memory_byte_seconds: 0,
    ...overrides,
  };
}

export async function writePodUsage(
  dataset: Dataset,
  rows: PodUsageRow[],
  options: WriteOptions & {
    /** Write the two optional effective-usage columns (default true). */
    effective?: boolean;
    /** Write the optional node_role column with this DuckDB type (newer operators write VARCHAR); none by default. */
    nodeRole?: string;
  } = {},
): Promise<string> {
  const columns: Record<string, string> = {
    interval_start: options.intervalType ?? 'TIMESTAMP',
    namespace: 'VARCHAR',
    node: 'VARCHAR',
    pod: 'VARCHAR',
    resource_id: 'VARCHAR',
    pod_labels: 'VARCHAR',
    pod_usage_cpu_core_seconds: 'DOUBLE',
    pod_request_cpu_core_seconds: 'DOUBLE',
    pod_limit_cpu_core_seconds: 'DOUBLE',
    pod_usage_memory_byte_seconds: 'DOUBLE',
    pod_request_memory_byte_seconds: 'DOUBLE',
    pod_limit_memory_byte_seconds: 'DOUBLE',
  };
  if (options.effective ?? true) {
    columns.pod_effective_usage_cpu_core_seconds = 'DOUBLE';
    columns.pod_effective_usage_memory_byte_seconds = 'DOUBLE';
  }
  columns.node_capacity_cpu_cores = 'DOUBLE';
  columns.node_capacity_cpu_core_seconds = 'DOUBLE';
  columns.node_capacity_memory_bytes = 'DOUBLE';
  columns.node_capacity_memory_byte_seconds = 'DOUBLE';
  if (options.nodeRole) columns.node_role = options.nodeRole;
  return writeReport(dataset, 'openshift_pod_usage_line_items', columns, rows, options);
}

// ---------------------------------------------------------------------------------------------
// Storage usage

export interface StorageUsageRow {
  interval_start: string;
  namespace: string | null;
  pod: string | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  persistentvolumeclaim_capacity_bytes: number | null;
  persistentvolumeclaim_capacity_byte_seconds: number | null;
  volume_request_storage_byte_seconds: number | null;
  persistentvolumeclaim_usage_byte_seconds: number | null;
  persistentvolume_labels: string | null;
  persistentvolumeclaim_labels: string | null;
  csi_volume_handle: string | null;
}

/**
 * A storage usage row with defaults: 2025-10-01 00:00:00, namespace `ns`, pod `p1`, claim `pvc1`,
 * volume `pv1`, class `gp3`, csi handle `vol-1`, no labels (''), every number 0.
 */
export function storageRow(overrides: Partial<StorageUsageRow> = {}): StorageUsageRow {
  return {
    interval_start: '2025-10-01 00:00:00',
    namespace: 'ns',
    pod: 'p1',
    persistentvolumeclaim: 'pvc1',
    persistentvolume: 'pv1',
    storageclass: 'gp3',
    persistentvolumeclaim_capacity_bytes: 0,
    persistentvolumeclaim_capacity_byte_seconds: 0,
    volume_request_storage_byte_seconds: 0,
    persistentvolumeclaim_usage_byte_seconds: 0,
    persistentvolume_labels: '',
    persistentvolumeclaim_labels: '',
    csi_volume_handle: 'vol-1',
    ...overrides,
  };
}

export async function writeStorageUsage(
  dataset: Dataset,
  rows: StorageUsageRow[],
  options: WriteOptions & { /** Write the optional csi_volume_handle column (default true). */ csi?: boolean } = {},
): Promise<string> {
  const columns: Record<string, string> = {
    interval_start: options.intervalType ?? 'TIMESTAMP',
    namespace: 'VARCHAR',
    pod: 'VARCHAR',
    persistentvolumeclaim: 'VARCHAR',
    persistentvolume: 'VARCHAR',
    storageclass: 'VARCHAR',
    persistentvolumeclaim_capacity_bytes: 'DOUBLE',
    persistentvolumeclaim_capacity_byte_seconds: 'DOUBLE',
    volume_request_storage_byte_seconds: 'DOUBLE',
    persistentvolumeclaim_usage_byte_seconds: 'DOUBLE',
    persistentvolume_labels: 'VARCHAR',
    persistentvolumeclaim_labels: 'VARCHAR',
  };
  if (options.csi ?? true) columns.csi_volume_handle = 'VARCHAR';
  return writeReport(dataset, 'openshift_storage_usage_line_items', columns, rows, options);
}

// ---------------------------------------------------------------------------------------------
// Node and namespace labels

export interface NodeLabelsRow {
  interval_start: string;
  node: string | null;
  node_labels: string | null;
}

export function nodeLabelsRow(overrides: Partial<NodeLabelsRow> = {}): NodeLabelsRow {
  return { interval_start: '2025-10-01 00:00:00', node: 'n1', node_labels: '', ...overrides };
}

export async function writeNodeLabels(
  dataset: Dataset,
  rows: NodeLabelsRow[],
  options: WriteOptions = {},
): Promise<string> {
  return writeReport(
    dataset,
    'openshift_node_labels_line_items',
    { interval_start: options.intervalType ?? 'TIMESTAMP', node: 'VARCHAR', node_labels: 'VARCHAR' },
    rows,
    options,
  );
}

export interface NamespaceLabelsRow {
  interval_start: string;
  namespace: string | null;
  namespace_labels: string | null;
}

export function namespaceLabelsRow(overrides: Partial<NamespaceLabelsRow> = {}): NamespaceLabelsRow {
  return { interval_start: '2025-10-01 00:00:00', namespace: 'ns', namespace_labels: '', ...overrides };
}

export async function writeNamespaceLabels(
  dataset: Dataset,
  rows: NamespaceLabelsRow[],
  options: WriteOptions = {},
): Promise<string> {
  return writeReport(
    dataset,
    'openshift_namespace_labels_line_items',
    { interval_start: options.intervalType ?? 'TIMESTAMP', namespace: 'VARCHAR', namespace_labels: 'VARCHAR' },
    rows,
    options,
  );
}

/**
 * Turns the one `marker` value of a DOUBLE column of the Parquet file at `path` into NaN while its
 * footer keeps the statistics it had: what a writer that leaves NaN out of min and max (pyarrow)
 * makes, which DuckDB's writer does not (it writes no statistics for a column holding NaN). The file
 * is rewritten uncompressed so that the value's bytes can be found; `marker` must be neither the
 * column's minimum nor its maximum, so that its bytes are in the data alone.
 */
export async function hideNaNFromStatistics(path: string, marker: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const plain = `${path}.plain`;
  try {
    const copy = `COPY (SELECT * FROM read_parquet($path)) TO ${sqlString(plain)} (FORMAT parquet, COMPRESSION 'uncompressed')`;
    await db.run(copy, { path });
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  const bytes = await readFile(plain);
  const value = Buffer.alloc(8);
  value.writeDoubleLE(marker);
  const at = bytes.indexOf(value);
  if (at < 0 || bytes.indexOf(value, at + 1) >= 0) {
    throw new Error(`hideNaNFromStatistics: ${marker} is not in ${path} exactly once`);
  }
  value.writeDoubleLE(Number.NaN);
  value.copy(bytes, at);
  await writeFile(path, bytes);
  await rm(plain);
}
