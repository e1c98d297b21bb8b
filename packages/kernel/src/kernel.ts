import type { DuckDBConnection } from '@duckdb/node-api';
import {
  InputError,
  LabelError,
  LabelNormalizer,
  marksInfra,
  monthBounds,
  parseLabels,
  validIdentifier,
  sqlString,
  type ReportType,
  type RunSpec,
} from '@ocpsum/core';
import { EXPECTED, INPUT_COLUMNS } from '@ocpsum/input';
import { readColumns } from './read-columns.js';
import { inputChecksQuery, unreadableIntervalsQuery } from './sql/input-checks.js';
import { labelRowsQuery } from './sql/latest-labels.js';
import { capacityCellsQuery, nonFiniteGroupsQuery, podGroupsQuery, volumePodNodesQuery } from './sql/pod-usage.js';
import type { FileSchema, RowRange } from './sql/scan.js';
import { storageUsageQuery } from './sql/storage-usage.js';
import { volumePodTable } from './volume-pod-tables.js';

export type { FileSchema, RowRange } from './sql/scan.js';

/** A unit of kernel work: row ranges of any report types, plus the storage files pods are joined to. */
export interface Chunk {
  ranges: RowRange[];
  storageFiles: FileSchema[];
}

/**
 * Runs the kernel over a chunk: the chunk's rows → its partial aggregate, written into the tables of
 * `schema` (partial-tables.ts; the caller creates them empty with `createPartial`). The groups stay in
 * DuckDB: each step groups its rows into a temporary table of its connection, JavaScript normalizes
 * the distinct raw label strings only, and the step regroups by the normalized labels in SQL,
 * inserting into the partial. A key may have several rows in a table (pod parts, label ties): a
 * merge settles them. Steps run at once, each on a connection of its own from `connect`. On failure
 * the tables hold part of the chunk; the caller drops them.
 */
export async function runKernel(
  connect: () => Promise<DuckDBConnection>,
  chunk: Chunk,
  spec: RunSpec,
  schema: string,
): Promise<void> {
  const into = validIdentifier(schema);
  const step = async <T>(work: (kernel: KernelStep) => Promise<T>): Promise<T> => {
    const db = await connect();
    try {
      return await work(new KernelStep(db, spec, into));
    } finally {
      db.closeSync();
    }
  };
  const podUsage = async (pods: RowRange[]) => {
    const { storageFiles } = chunk;
    const volumes = storageFiles.length ? await step((k) => k.volumePods(storageFiles)) : null;
    // One query over all of them: DuckDB spreads it over its threads and spills what does not fit.
    await step((k) => k.podUsage(pods, volumes));
  };
  const ofType = (type: ReportType) => chunk.ranges.filter((r) => r.file.type === type);
  const pods = ofType('openshift_pod_usage_line_items');
  const storage = ofType('openshift_storage_usage_line_items');
  const nodes = ofType('openshift_node_labels_line_items');
  const namespaces = ofType('openshift_namespace_labels_line_items');
  // The pod files' numbers proven usable by their footers are not scanned (a large part of the
  // kernel otherwise); pod usage looks for the NaN that statistics cannot rule out.
  const checks = [pods, storage, nodes, namespaces]
    .filter((ranges) => ranges.length)
    .map((ranges) => step((k) => k.checkInputs(ranges, { statistics: ranges === pods })));
  const work = [
    pods.length && podUsage(pods),
    storage.length && step((k) => k.storageUsage(storage)),
    nodes.length && step((k) => k.labelSets(nodes, 'node', 'node_labels')),
    namespaces.length && step((k) => k.labelSets(namespaces, 'namespace', 'namespace_labels')),
  ];
  // Every step ends before we return or throw; a refused input is the first thing to report.
  for (const outcome of await Promise.allSettled([...checks, ...work])) {
    if (outcome.status === 'rejected') throw outcome.reason;
  }
}

// One normalizer per set of enabled keys, kept across chunks: the chunks of a run (and the runs of
// a source) repeat the same label strings, so a string is parsed once for all of them, not per chunk.
const normalizers = new Map<string, LabelNormalizer>();

/** Whether a raw node label string marks its node infra, worked out once per distinct string. */
const infraStrings = new Map<string, boolean>();

function marksInfraRaw(raw: string): boolean {
  let infra = infraStrings.get(raw);
  if (infra === undefined) {
    infra = marksInfra(parseLabels(raw));
    if (infraStrings.size >= 200_000) infraStrings.clear();
    infraStrings.set(raw, infra);
  }
  return infra;
}

function normalizerFor(enabledKeys: readonly string[]): LabelNormalizer {
  const key = JSON.stringify(enabledKeys);
  let normalizer = normalizers.get(key);
  if (!normalizer) {
    if (normalizers.size >= 8) normalizers.clear();
    normalizer = new LabelNormalizer(enabledKeys);
    normalizers.set(key, normalizer);
  }
  return normalizer;
}

/**
 * Where the distinct raw strings of a label column come from: a query over the step's temporary
 * table yielding `raw` (never NULL), `normalize` (whether its normalized form is needed) and
 * `infra` (whether it is read for node roles).
 */
interface LabelSource {
  /** The input column, for errors. */
  column: string;
  sql: string;
}

/** One step of a kernel run, on its own connection, inserting into the run's partial tables. */
class KernelStep {
  private readonly labels: LabelNormalizer;

  constructor(
    private readonly db: DuckDBConnection,
    private readonly spec: RunSpec,
    /** The schema of the partial's tables, validated. */
    private readonly into: string,
  ) {
    this.labels = normalizerFor(spec.reference.enabledKeys);
  }

  /** The parameters of the window every step's query reads: $start, $end. */
  private get window(): { start: string; end: string } {
    return { start: this.spec.startDate, end: this.spec.endDate };
  }

  /**
   * Refuses rows outside the month and numbers that cannot be usage, naming file and column. With
   * `statistics`, the numbers of a file whose footer proves them usable are not scanned: the step
   * that reads them looks for NaN, which statistics leave out (`refuseNaN`).
   */
  async checkInputs(ranges: RowRange[], { statistics = false } = {}): Promise<void> {
    const rules = numberColumns(ranges[0].file);
    const proven = ({ file }: RowRange) => statistics && statisticsProveNumbers(file);
    const { first, last } = monthBounds(this.spec.year, this.spec.month);
    const c: Record<string, string | number | bigint | null>[] = [];
    for (const [part, numbers] of [
      [ranges.filter(proven), []],
      [ranges.filter((r) => !proven(r)), rules],
    ] as const) {
      if (part.length === 0) continue;
      const required = numbers.filter((r) => r.required).map((r) => r.name);
      const optional = numbers.filter((r) => !r.required).map((r) => r.name);
      const found = await this.db.runAndReadAll(inputChecksQuery(part, required, optional), { first, last });
      c.push(...(found.getRowObjectsJS() as typeof c));
    }
    if (c.length === 0) return;
    const row = c[0];
    const range = ranges.find((r) => r.file.path === row.source_file);
    if (!range) throw new Error(`input checks named a file outside the chunk: ${row.source_file}`);
    const key = range.file.key;
    if (Number(row.missing_interval) > 0) {
      const unreadable = (await this.db.runAndReadAll(unreadableIntervalsQuery(range))).getRowObjectsJS()[0];
      if (Number(unreadable.n) > 0) {
        throw new InputError(
          `${key}: column "interval_start": ${unreadable.n} values are not a timestamp, such as ` +
            `${JSON.stringify(unreadable.value)} (expected ${EXPECTED.timestamp})`,
        );
      }
      throw new InputError(`${key}: column "interval_start": ${row.missing_interval} rows have no interval_start`);
    }
    if (Number(row.outside_month) > 0) {
      throw new InputError(
        `${key}: column "interval_start": ${row.outside_month} rows lie outside ${first.slice(0, 7)} ` +
          `(rows span ${row.first_interval} to ${row.last_interval}); a dataset holds one month`,
      );
    }
    const column = rules.map((r) => r.name).find((name) => Number(row[name]) > 0)!;
    throw new InputError(
      `${key}: column "${column}": ${row[column]} values are negative, NaN or infinite (expected a finite number ≥ 0, or empty)`,
    );
  }

  /** The table of pods with volumes that pod usage is joined to. */
  volumePods(storageFiles: FileSchema[]): Promise<string> {
    return volumePodTable(this.db, storageFiles);
  }

  /**
   * Pod usage: pod groups by raw labels (`pod_groups`), regrouped by normalized labels into pods;
   * capacity cells (`capacity_cells`) into capacity per (interval, node), node role facts per
   * (day, node, resource_id) and rows in; with volume pods, the pods' nodes.
   */
  async podUsage(ranges: RowRange[], volumes: string | null): Promise<void> {
    const s = this.into;
    await this.groups('pod_groups', ranges, (r) => podGroupsQuery(r, this.spec.byPod));
    await this.groups('capacity_cells', ranges, capacityCellsQuery);
    await this.refuseNaN(ranges);
    await this.labelTable('pod_label_map', ranges, [
      {
        column: 'pod_labels',
        sql: `SELECT DISTINCT pod_labels AS raw, true AS normalize, false AS infra FROM pod_groups WHERE pod_labels IS NOT NULL`,
      },
    ]);
    await this.db.run(`
INSERT INTO ${s}.pods BY NAME
SELECT g.day, coalesce(g.namespace, '') AS namespace, g.node, g.pod, ${labelsOf('g.pod_labels', 'm')} AS labels,
  max(g.resource_id) AS resource_id,
  sum(g.usage_cpu) AS usage_cpu, sum(g.request_cpu) AS request_cpu, sum(g.limit_cpu) AS limit_cpu,
  sum(g.effective_cpu) AS effective_cpu,
  sum(g.usage_mem) AS usage_mem, sum(g.request_mem) AS request_mem, sum(g.limit_mem) AS limit_mem,
  sum(g.effective_mem) AS effective_mem,
  max(g.capacity_cores) AS capacity_cores, max(g.capacity_bytes) AS capacity_bytes
FROM pod_groups g LEFT JOIN pod_label_map m ON m.raw = g.pod_labels
GROUP BY 1, 2, 3, 4, 5`);
    await this.db.run(`
INSERT INTO ${s}.capacity BY NAME
SELECT day, ts AS "interval", node,
  max(capacity_core_seconds) AS cpu_core_seconds, max(capacity_byte_seconds) AS mem_byte_seconds
FROM capacity_cells
GROUP BY day, ts, node`);
    await this.db.run(`
INSERT INTO ${s}.node_role_facts BY NAME
SELECT day, node, resource_id, max(reported_role) AS reported_role, bool_or(coalesce(apiserver, false)) AS apiserver
FROM capacity_cells WHERE node <> ''
GROUP BY day, node, resource_id`);
    if (volumes) {
      await this.db.run(`INSERT INTO ${s}.pod_nodes BY NAME ${volumePodNodesQuery(ranges, volumes)}`, this.window);
    }
    await this.rowsIn('pod', 'SELECT day, sum(rows_in) FROM capacity_cells GROUP BY day');
  }

  /**
   * After the pod groups and capacity cells: a NaN (or infinity) in the rows they read makes a sum
   * or max of theirs one too, so when any of them is not finite, the pod files' numbers are scanned
   * after all, naming the file and column; a sum that only overflowed to infinity passes that scan.
   * Skipped when no pod file's statistics spared its scan (`checkInputs`).
   */
  private async refuseNaN(ranges: RowRange[]): Promise<void> {
    if (!ranges.some((r) => statisticsProveNumbers(r.file))) return;
    const found = await this.db.runAndReadAll(nonFiniteGroupsQuery());
    if (Number(found.getRowsJS()[0][0]) > 0) await this.checkInputs(ranges);
  }

  /** Storage usage: groups by raw labels, then regrouped by the normalized volume and claim labels. */
  async storageUsage(ranges: RowRange[]): Promise<void> {
    await this.groups('storage_groups', ranges, storageUsageQuery);
    await this.labelTable(
      'storage_label_map',
      ranges,
      [
        ['persistentvolume_labels', 'pv_labels'],
        ['persistentvolumeclaim_labels', 'pvc_labels'],
      ].map(([column, name]) => ({
        column,
        sql: `SELECT DISTINCT ${name} AS raw, true AS normalize, false AS infra FROM storage_groups WHERE ${name} IS NOT NULL`,
      })),
    );
    await this.db.run(`
INSERT INTO ${this.into}.storage BY NAME
SELECT g.day, g.namespace, g.pod, g.persistentvolumeclaim, g.persistentvolume, g.storageclass, g.csi_volume_handle,
  ${labelsOf('g.pv_labels', 'pv')} AS pv_labels, ${labelsOf('g.pvc_labels', 'pvc')} AS pvc_labels,
  max(g.capacity_bytes) AS capacity_bytes, sum(g.capacity_byte_seconds) AS capacity_byte_seconds,
  sum(g.request_byte_seconds) AS request_byte_seconds, sum(g.usage_byte_seconds) AS usage_byte_seconds
FROM storage_groups g
  LEFT JOIN storage_label_map pv ON pv.raw = g.pv_labels
  LEFT JOIN storage_label_map pvc ON pvc.raw = g.pvc_labels
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`);
    await this.rowsIn('storage', 'SELECT day, sum(rows_in) FROM storage_groups GROUP BY day');
  }

  /**
   * The latest label sets of each (day, node) or (day, namespace): every row at the latest interval,
   * one per distinct normalized set. For nodes also the nodes whose raw labels (any row of the day,
   * before the enabled-key filter) mark them infra.
   */
  async labelSets(ranges: RowRange[], name: 'node' | 'namespace', column: string): Promise<void> {
    const nodes = name === 'node';
    await this.groups('label_rows', ranges, (r) => labelRowsQuery(r, name, column));
    // Every distinct string of the window is read for node roles, so a malformed one is refused
    // even when it is not the latest (docs/rules.md §3); for namespaces only the latest are read.
    await this.labelTable('label_map', ranges, [
      {
        column,
        sql: nodes
          ? `SELECT labels AS raw, bool_or(latest) AS normalize, bool_or(name IS NOT NULL) AS infra
             FROM label_rows WHERE labels IS NOT NULL GROUP BY labels`
          : `SELECT DISTINCT labels AS raw, true AS normalize, false AS infra
             FROM label_rows WHERE labels IS NOT NULL AND latest`,
      },
    ]);
    await this.db.run(`
INSERT INTO ${this.into}.${nodes ? 'node_labels' : 'namespace_labels'} BY NAME
SELECT DISTINCT r.day, r.name AS ${name}, r.ts AS "interval", ${labelsOf('r.labels', 'm')} AS labels
FROM label_rows r LEFT JOIN label_map m ON m.raw = r.labels
WHERE r.latest`);
    if (nodes) {
      await this.db.run(`
INSERT INTO ${this.into}.infra_nodes BY NAME
SELECT DISTINCT r.day, r.name AS node
FROM label_rows r JOIN label_map m ON m.raw = r.labels
WHERE m.infra AND r.name IS NOT NULL`);
    }
    await this.rowsIn(nodes ? 'node_labels' : 'namespace_labels', 'SELECT day, sum(n) FROM label_rows GROUP BY day');
  }

  /** Rows read per day into rows_in, in the column of the step's report; the other columns 0. */
  private async rowsIn(report: 'pod' | 'storage' | 'node_labels' | 'namespace_labels', sql: string): Promise<void> {
    const reports = ['pod', 'storage', 'node_labels', 'namespace_labels'] as const;
    const values = reports.map((r) => `${r === report ? 'CAST(n AS BIGINT)' : '0'} AS ${r}`);
    await this.db.run(
      `INSERT INTO ${this.into}.rows_in BY NAME SELECT day, ${values.join(', ')} FROM (${sql}) t(day, n)`,
    );
  }

  /**
   * A temporary table of the connection holding the raw label strings the sources yield with their
   * normalized form (when needed) and whether they mark a node infra. A malformed string is an
   * InputError naming the file and column.
   */
  private async labelTable(table: string, ranges: RowRange[], sources: LabelSource[]): Promise<void> {
    const map = new Map<string, { labels: string | null; infra: boolean }>();
    for (const { column, sql } of sources) {
      const c = await readColumns(this.db, sql, {});
      for (let i = 0; i < c.raw.length; i++) {
        const raw = c.raw[i] as string;
        let entry = map.get(raw);
        if (!entry) map.set(raw, (entry = { labels: null, infra: false }));
        try {
          if (c.normalize[i] === true && entry.labels === null) entry.labels = this.labels.normalize(raw);
          if (c.infra[i] === true && !entry.infra) entry.infra = marksInfraRaw(raw);
        } catch (error) {
          if (!(error instanceof LabelError)) throw error;
          throw new InputError(`${await this.fileHolding(ranges, column, raw)}: column "${column}": ${error.message}`);
        }
      }
    }
    await this.db.run(`CREATE TEMP TABLE ${table} (raw VARCHAR, labels VARCHAR, infra BOOLEAN)`);
    const appender = await this.db.createAppender(table, 'main', 'temp');
    try {
      for (const [raw, { labels, infra }] of map) {
        appender.appendVarchar(raw);
        if (labels === null) appender.appendNull();
        else appender.appendVarchar(labels);
        appender.appendBoolean(infra);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private async fileHolding(ranges: RowRange[], column: string, value: string): Promise<string> {
    for (const { file } of ranges) {
      const found = await this.db.runAndReadAll(
        `SELECT 1 FROM read_parquet(${sqlString(file.path)}) WHERE ${column} = $value LIMIT 1`,
        { value },
      );
      if (found.currentRowCount > 0) return file.key;
    }
    return ranges.map((r) => r.file.key).join(', ');
  }

  /**
   * Groups the rows of ranges into a temporary table of the connection; on failure, narrows it down
   * to the file that fails.
   */
  private async groups(table: string, ranges: RowRange[], sql: (ranges: RowRange[]) => string): Promise<void> {
    try {
      await this.db.run(`CREATE TEMP TABLE ${table} AS ${sql(ranges)}`, this.window);
    } catch (error) {
      for (const range of ranges) {
        try {
          await this.db.runAndReadAll(sql([range]), this.window);
        } catch (single) {
          throw new InputError(`${range.file.key}: ${firstLine(single)}`);
        }
      }
      throw error;
    }
  }
}

/** The number columns a file's report type is read for (`INPUT_COLUMNS`), whether the file has them or not. */
function numberColumns(file: FileSchema) {
  return INPUT_COLUMNS[file.type].filter((r) => r.kind === 'number');
}

/** Whether a file's footer statistics prove every number column it has finite and ≥ 0 (NaN aside). */
function statisticsProveNumbers(file: FileSchema): boolean {
  return numberColumns(file).every(
    (r) => file.usableNumbers.includes(r.name) || (!r.required && !file.optional.includes(r.name)),
  );
}

/** The normalized labels of a raw label column through a label map; none (NULL) is `{}`. */
function labelsOf(raw: string, map: string): string {
  return `CASE WHEN ${raw} IS NULL THEN '{}' ELSE ${map}.labels END`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
