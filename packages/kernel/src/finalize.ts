/**
 * Finalize in DuckDB (docs/rules.md §3–§8; DESIGN §4 "Columnar all the way"): a merged partial's
 * tables → koku's daily summary rows in a table `{schema}.summary`. The rows are built by the
 * statements of `sql/finalize/*.sql`, run in order on all of DuckDB's threads. JavaScript works only on
 * the few distinct things, and hands its answers back as small tables written with an appender:
 * - the label merges, once per distinct combination of node, namespace and own label sets
 *   (core's `mergeLabelJson`): `finalize_label_merges`;
 * - the cost category of each distinct namespace (core's `CostCategories`): `finalize_cost_categories`;
 * - the reference data's node roles: `finalize_reference_node_roles`.
 * Those and the other helper tables (`finalize_*`) are dropped when the summary is made.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  CostCategories,
  INFRASTRUCTURE_USAGE_COST,
  SUMMARY_COLUMNS,
  SUMMARY_ORDER_BY,
  SUMMARY_SQL_TYPES,
  mergeLabelJson,
  validIdentifier,
  summaryColumns,
  type RowCounts,
  type RunSpec,
  type SummaryCounts,
  type SummaryRow,
} from '@ocpsum/core';
import { paramsFor, sqlStatement } from './sql-files.js';

/** The namespaces of unallocated rows (docs/rules.md §8), matched against the cost categories too. */
const UNALLOCATED_NAMESPACES = ['Platform unallocated', 'Worker unallocated'] as const;


/** `CREATE TABLE {schema}.summary`: every column of SUMMARY_COLUMNS in its order, `pod` included. */
function summaryTableDdl(schema: string): string {
  const columns = Object.entries(SUMMARY_COLUMNS)
    .map(([name, kind]) => `${name} ${SUMMARY_SQL_TYPES[kind]}`)
    .join(', ');
  return `CREATE TABLE ${validIdentifier(schema)}.summary (${columns})`;
}


/** `SELECT` of the summary's output columns (`pod` only with `byPod`) in row order. */
export function summarySelect(schema: string, byPod: boolean): string {
  return `SELECT ${summaryColumns(byPod).join(', ')} FROM ${validIdentifier(schema)}.summary ORDER BY ${SUMMARY_ORDER_BY}`;
}

export interface FinalizeResult {
  /** The summary table, `{schema}.summary`. */
  table: string;
  counts: SummaryCounts;
  rowsIn: RowCounts;
}

/** Helper tables of a finalize, created by it and dropped when it ends. */
const HELPER_TABLES: Record<string, string> = {
  finalize_label_merges:
    'node_labels VARCHAR, namespace_labels VARCHAR, first_labels VARCHAR, second_labels VARCHAR, merged VARCHAR',
  finalize_cost_categories: 'namespace VARCHAR, cost_category_id INTEGER',
  finalize_reference_node_roles: 'node VARCHAR, resource_id VARCHAR, role VARCHAR',
  finalize_storage_nodes: '',
  finalize_node_roles: '',
};

/**
 * Makes `{schema}.summary` from the merged partial in `schema` (one row per key in each table, as a
 * kernel or `mergePartials` writes it): pod, storage and unallocated rows, exactly as core's
 * `finalize` makes them. Read it in order with `summarySelect` (or ORDER BY core's `SUMMARY_ORDER_BY`).
 */
export async function finalizeSummary(db: DuckDBConnection, schema: string, spec: RunSpec): Promise<FinalizeResult> {
  const s = validIdentifier(schema);
  const run = async (file: string, params: Record<string, DuckDBValue> = {}) => {
    const sql = sqlStatement(`finalize/${file}.sql`, { schema: s });
    return db.run(sql, paramsFor(sql, params));
  };
  const constants: Record<string, DuckDBValue> = {
    report_period_id: spec.reportPeriodId,
    cluster_id: spec.clusterId,
    cluster_alias: spec.clusterAlias,
    source_uuid: spec.source,
    infrastructure_usage_cost: INFRASTRUCTURE_USAGE_COST,
  };
  await db.run(summaryTableDdl(s));
  try {
    for (const [table, columns] of Object.entries(HELPER_TABLES)) {
      if (columns) await db.run(`CREATE TABLE ${s}.${table} (${columns})`);
    }
    await run('storage-nodes');
    await writeLabelMerges(
      db,
      s,
      await readColumns(db, sqlStatement('finalize/label-combinations.sql', { schema: s })),
    );
    await writeCostCategories(
      db,
      s,
      spec,
      await readColumns(db, sqlStatement('finalize/namespaces.sql', { schema: s })),
    );
    await append(
      db,
      s,
      'finalize_reference_node_roles',
      spec.reference.nodeRoles.map((r) => [r.node, r.resourceId, r.role]),
    );

    const pod = (await run('pod-rows', constants)).rowsChanged;
    const storage = (await run('storage-rows', constants)).rowsChanged;
    await run('node-roles');
    const unallocated = (await run('unallocated-rows', constants)).rowsChanged;
    return { table: `${s}.summary`, counts: { pod, storage, unallocated }, rowsIn: await rowsIn(db, s) };
  } catch (error) {
    // No half-made summary is left behind.
    await db.run(`DROP TABLE IF EXISTS ${s}.summary`);
    throw error;
  } finally {
    for (const table of Object.keys(HELPER_TABLES)) await db.run(`DROP TABLE IF EXISTS ${s}.${table}`);
  }
}

/** Merges each distinct label combination once, in the order of docs/rules.md §5. */
async function writeLabelMerges(db: DuckDBConnection, schema: string, c: Record<string, unknown[]>): Promise<void> {
  const [nodes, namespaces, first, second] = [
    c.node_labels,
    c.namespace_labels,
    c.first_labels,
    c.second_labels,
  ] as string[][];
  const rows: string[][] = [];
  for (let i = 0; i < nodes.length; i++) {
    rows.push([
      nodes[i],
      namespaces[i],
      first[i],
      second[i],
      mergeLabelJson(nodes[i], namespaces[i], first[i], second[i]),
    ]);
  }
  await append(db, schema, 'finalize_label_merges', rows);
}

/** The cost category of each distinct namespace that has one, the unallocated namespaces included. */
async function writeCostCategories(
  db: DuckDBConnection,
  schema: string,
  spec: RunSpec,
  c: Record<string, unknown[]>,
): Promise<void> {
  const categories = new CostCategories(spec.reference.costCategories);
  const rows: [string, number][] = [];
  for (const namespace of new Set([...(c.namespace as string[]), ...UNALLOCATED_NAMESPACES])) {
    const id = categories.idFor(namespace);
    if (id !== null) rows.push([namespace, id]);
  }
  await append(db, schema, 'finalize_cost_categories', rows);
}

/** Appends rows of strings and integers (in the table's column order) to a helper table. */
async function append(
  db: DuckDBConnection,
  schema: string,
  table: string,
  rows: readonly (readonly (string | number | null)[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await db.createAppender(table, schema);
  try {
    for (const row of rows) {
      for (const value of row) {
        if (value === null) appender.appendNull();
        else if (typeof value === 'number') appender.appendInteger(value);
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

async function readColumns(db: DuckDBConnection, sql: string): Promise<Record<string, unknown[]>> {
  return (await db.runAndReadAll(sql)).getColumnsObjectJS() as Record<string, unknown[]>;
}

async function rowsIn(db: DuckDBConnection, schema: string): Promise<RowCounts> {
  const [row] = (
    await db.runAndReadAll(
      `SELECT coalesce(sum(pod), 0)::DOUBLE AS pod, coalesce(sum(storage), 0)::DOUBLE AS storage,
        coalesce(sum(node_labels), 0)::DOUBLE AS node_labels, coalesce(sum(namespace_labels), 0)::DOUBLE AS namespace_labels
       FROM ${schema}.rows_in`,
    )
  ).getRowObjectsJS() as Record<string, number>[];
  return { pod: row.pod, storage: row.storage, nodeLabels: row.node_labels, namespaceLabels: row.namespace_labels };
}

/**
 * The summary's rows as JavaScript objects, in row order, for tests that compare rows; the sinks read
 * the table itself.
 */
export async function readSummaryRows(db: DuckDBConnection, schema: string, byPod = true): Promise<SummaryRow[]> {
  const columns = summaryColumns(byPod).map((c) =>
    SUMMARY_COLUMNS[c] === 'date' ? `strftime(${c}, '%Y-%m-%d') AS ${c}` : c,
  );
  const sql = `SELECT ${columns.join(', ')} FROM ${validIdentifier(schema)}.summary ORDER BY ${SUMMARY_ORDER_BY}`;
  return (await db.runAndReadAll(sql)).getRowObjectsJS() as unknown as SummaryRow[];
}
