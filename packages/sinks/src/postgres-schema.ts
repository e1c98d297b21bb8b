import type pg from 'pg';
import { validIdentifier, sqlString, summaryColumns, type SummaryRow } from '@ocpsum/core';

/** koku's tables, created by the sink (summary) or `ocpsum pg init` (all) when missing. */
export const SUMMARY_TABLE = 'reporting_ocpusagelineitem_daily_summary';
export const ENABLED_KEYS_TABLE = 'reporting_enabledtagkeys';
export const COST_CATEGORY_TABLE = 'reporting_ocp_cost_category_namespace';
export const NODES_TABLE = 'reporting_ocp_nodes';
export const REFERENCE_TABLES = [ENABLED_KEYS_TABLE, COST_CATEGORY_TABLE, NODES_TABLE] as const;

const NUMERIC = 'numeric(33,15)';

/**
 * The columns ocpsum writes, with koku's types (its Django model `OCPUsageLineItemDailySummary`).
 * `pod` exists only in ocpsum's own table, for --by-pod. `csi_volume_handle` is not in koku's table
 * (koku keeps it in its Hive copy only) and not in the table ocpsum creates: it is written where a
 * table has it, and stays in the CSV and Parquet outputs.
 */
const WRITTEN_TYPES: Record<Exclude<keyof SummaryRow, 'csi_volume_handle'>, string> = {
  report_period_id: 'integer',
  cost_category_id: 'integer',
  cluster_id: 'varchar(50)',
  cluster_alias: 'varchar(256)',
  data_source: 'varchar(64)',
  namespace: 'varchar(253)',
  node: 'varchar(253)',
  resource_id: 'varchar(253)',
  pod: 'varchar(253)',
  usage_start: 'date NOT NULL',
  usage_end: 'date NOT NULL',
  pod_labels: 'jsonb',
  pod_usage_cpu_core_hours: NUMERIC,
  pod_request_cpu_core_hours: NUMERIC,
  pod_effective_usage_cpu_core_hours: NUMERIC,
  pod_limit_cpu_core_hours: NUMERIC,
  pod_usage_memory_gigabyte_hours: NUMERIC,
  pod_request_memory_gigabyte_hours: NUMERIC,
  pod_effective_usage_memory_gigabyte_hours: NUMERIC,
  pod_limit_memory_gigabyte_hours: NUMERIC,
  node_capacity_cpu_cores: NUMERIC,
  node_capacity_cpu_core_hours: NUMERIC,
  node_capacity_memory_gigabytes: NUMERIC,
  node_capacity_memory_gigabyte_hours: NUMERIC,
  cluster_capacity_cpu_core_hours: NUMERIC,
  cluster_capacity_memory_gigabyte_hours: NUMERIC,
  persistentvolumeclaim: 'varchar(253)',
  persistentvolume: 'varchar(253)',
  storageclass: 'varchar(253)',
  volume_labels: 'jsonb',
  all_labels: 'jsonb',
  persistentvolumeclaim_capacity_gigabyte: NUMERIC,
  persistentvolumeclaim_capacity_gigabyte_months: NUMERIC,
  volume_request_storage_gigabyte_months: NUMERIC,
  persistentvolumeclaim_usage_gigabyte_months: NUMERIC,
  infrastructure_usage_cost: 'jsonb',
  source_uuid: 'uuid',
};

/**
 * koku's cost columns: later stages of koku (cost models, OCP on cloud, distribution) fill them; a
 * summary writer leaves them NULL. A row whose infrastructure_raw_cost is set and not 0 is an
 * OCP-on-cloud row, which replacing a source's summary keeps.
 */
export const COST_COLUMNS: readonly (readonly [string, string])[] = [
  ['infrastructure_raw_cost', NUMERIC],
  ['infrastructure_project_raw_cost', NUMERIC],
  ['infrastructure_data_in_gigabytes', NUMERIC],
  ['infrastructure_data_out_gigabytes', NUMERIC],
  ['infrastructure_markup_cost', NUMERIC],
  ['infrastructure_project_markup_cost', NUMERIC],
  ['infrastructure_monthly_cost', NUMERIC],
  ['infrastructure_monthly_cost_json', 'jsonb'],
  ['infrastructure_project_monthly_cost', 'jsonb'],
  ['supplementary_usage_cost', 'jsonb'],
  ['supplementary_monthly_cost', NUMERIC],
  ['supplementary_monthly_cost_json', 'jsonb'],
  ['supplementary_project_monthly_cost', 'jsonb'],
  ['cost_model_cpu_cost', NUMERIC],
  ['cost_model_memory_cost', NUMERIC],
  ['cost_model_volume_cost', NUMERIC],
  ['cost_model_gpu_cost', NUMERIC],
  ['cost_model_rate_type', 'text'],
  ['monthly_cost_type', 'text'],
  ['raw_currency', 'text'],
  ['distributed_cost', NUMERIC],
];

/** The name of a monthly partition, as koku names them: `{table}_YYYY_MM`. */
export function monthPartitionName(month: string): string {
  return `${SUMMARY_TABLE}_${month.slice(0, 4)}_${month.slice(5, 7)}`;
}
export const DEFAULT_PARTITION = `${SUMMARY_TABLE}_default`;

/**
 * koku's shape: partitioned by range of usage_start, primary key (usage_start, uuid) with no default
 * for uuid (the writer supplies it), a default partition (created in `createDefaultPartition`, as
 * the table may exist already) and monthly partitions created when rows arrive. No foreign keys:
 * koku's report period and cost category tables are not ocpsum's (reference data may come from a file).
 */
function summaryDdl(schema: string): string[] {
  const s = validIdentifier(schema);
  const columns = [['uuid', 'uuid NOT NULL'] as const, ...Object.entries(WRITTEN_TYPES), ...COST_COLUMNS].map(
    ([c, type]) => `  ${validIdentifier(c)} ${type}`,
  );
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.${SUMMARY_TABLE} (\n${columns.join(',\n')},\n` +
      `  CONSTRAINT ${SUMMARY_TABLE}_pk PRIMARY KEY (usage_start, uuid)\n) PARTITION BY RANGE (usage_start)`,
    `CREATE INDEX IF NOT EXISTS ocpsum_summary_source_start_idx ON ${s}.${SUMMARY_TABLE} (source_uuid, usage_start)`,
  ];
}

function referenceDdl(schema: string): string[] {
  const s = validIdentifier(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.${ENABLED_KEYS_TABLE} (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key varchar(512) NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  provider_type varchar(50) NOT NULL,
  UNIQUE (key, provider_type)
)`,
    `CREATE TABLE IF NOT EXISTS ${s}.${COST_CATEGORY_TABLE} (
  id serial PRIMARY KEY,
  namespace text NOT NULL UNIQUE,
  system_default boolean NOT NULL DEFAULT false,
  cost_category_id integer NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS ${s}.${NODES_TABLE} (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  node text NOT NULL,
  resource_id text,
  node_capacity_cpu_cores numeric(18,2),
  cluster_id uuid,
  node_role text,
  architecture text
)`,
  ];
}

/**
 * Runs DDL in its own transaction, serialized across ocpsum processes by an advisory lock
 * (concurrent `CREATE … IF NOT EXISTS` of one name can otherwise fail on a unique index).
 */
async function runDdl(client: pg.Client, schema: string, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('ocpsum ddl', 0))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${validIdentifier(schema)}`);
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The summary table as the catalog describes it. */
export interface SummaryTable {
  schema: string;
  /** `schema.table`, validated identifiers. */
  name: string;
  oid: string;
  /** Column name → type (`format_type`), in the table's order. */
  columns: Map<string, string>;
  /** The column of a range partitioning on one column (koku's: usage_start); null when not so partitioned. */
  partitionColumn: string | null;
  /** The name of its default partition, if it has one. */
  defaultPartition: string | null;
}

/** Reads the summary table's columns and partitioning from the catalog; null when there is no such table. */
export async function describeSummaryTable(client: pg.Client, schema: string): Promise<SummaryTable | null> {
  const { rows } = await client.query<{
    oid: string;
    strategy: string | null;
    keys: number | null;
    column: string | null;
    default_partition: string | null;
  }>(
    `SELECT c.oid::text AS oid, pt.partstrat::text AS strategy, pt.partnatts::int AS keys,
            (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = pt.partattrs[0]) AS column,
            d.relname AS default_partition
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
     LEFT JOIN pg_class d ON d.oid = pt.partdefid
     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, SUMMARY_TABLE],
  );
  if (!rows.length) return null;
  const [row] = rows;
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [row.oid],
  );
  const ranged = row.strategy === 'r' && row.keys === 1 && row.column !== null;
  return {
    schema,
    name: `${validIdentifier(schema)}.${SUMMARY_TABLE}`,
    oid: row.oid,
    columns: new Map(columns.rows.map((c) => [c.name, c.type])),
    partitionColumn: ranged ? row.column : null,
    defaultPartition: row.default_partition,
  };
}

/** The names of the partitions attached to the table. */
export async function partitionNames(client: pg.Client, table: SummaryTable): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::oid',
    [table.oid],
  );
  return new Set(rows.map((r) => r.name));
}

/** Whether the schema has koku's partition tracking table, whose trigger creates the partitions registered in it. */
export async function hasPartitionTracking(client: pg.Client, schema: string): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
    `${validIdentifier(schema)}.${PARTITION_TRACKING_TABLE}`,
  ]);
  return rows[0].found !== null;
}

export const PARTITION_TRACKING_TABLE = 'partitioned_tables';

/** A partition of the summary table: the default one, or the month [from, to). */
export type PartitionBounds =
  { name: string; default: true } | { name: string; default?: false; from: string; to: string };

/**
 * Creates a partition. In a schema with koku's `partitioned_tables`, the way koku does: a row
 * registered there (`partition_parameters` {"default", "from", "to"}), whose trigger creates the
 * partition; a row already registered is left as it is. Where nothing created it (no tracking
 * table, or no trigger), `CREATE TABLE … PARTITION OF`. Raises PostgreSQL's error when the bounds
 * overlap a partition or the default partition holds rows of them.
 */
export async function createPartition(
  client: pg.Client,
  table: SummaryTable,
  partition: PartitionBounds,
  tracking: boolean,
): Promise<void> {
  const name = validIdentifier(partition.name);
  if (tracking) {
    const parameters = partition.default
      ? { default: true }
      : { default: false, from: partition.from, to: partition.to };
    await client.query(
      `INSERT INTO ${validIdentifier(table.schema)}.${PARTITION_TRACKING_TABLE}
         (schema_name, table_name, partition_of_table_name, partition_type, partition_col, partition_parameters, active)
       VALUES ($1, $2, $3, 'range', $4, $5::jsonb, true) ON CONFLICT DO NOTHING`,
      [table.schema, name, SUMMARY_TABLE, table.partitionColumn, JSON.stringify(parameters)],
    );
    if ((await partitionNames(client, table)).has(name)) return;
  }
  const bounds = partition.default
    ? 'DEFAULT'
    : `FOR VALUES FROM (${sqlString(partition.from)}) TO (${sqlString(partition.to)})`;
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${validIdentifier(table.schema)}.${name} PARTITION OF ${table.name} ${bounds}`,
  );
}

/**
 * Creates koku's summary table (and the schema) when missing, with its default partition; an
 * existing table (koku's own, or one of an earlier ocpsum without partitions) is used as it is.
 */
export async function ensureSummaryTable(client: pg.Client, schema: string): Promise<SummaryTable> {
  const table = await describeSummaryTable(client, schema);
  if (table) return table;
  await runDdl(client, schema, () => createSummaryTable(client, schema));
  const created = await describeSummaryTable(client, schema);
  if (!created) throw new Error(`table ${schema}.${SUMMARY_TABLE} was not created`);
  return created;
}

/** Creates the table, its index and its default partition, unless a table is there already (koku's is used as it is). */
async function createSummaryTable(client: pg.Client, schema: string): Promise<void> {
  if (await describeSummaryTable(client, schema)) return;
  for (const statement of summaryDdl(schema)) await client.query(statement);
  const table = await describeSummaryTable(client, schema);
  if (table?.partitionColumn && table.defaultPartition === null) {
    await createPartition(
      client,
      table,
      { name: DEFAULT_PARTITION, default: true },
      await hasPartitionTracking(client, schema),
    );
  }
}

/**
 * The summary columns to write into the table: every column of the summary, but
 * `csi_volume_handle` only where the table has it. A table without some other column is refused.
 */
export function writtenColumns(table: SummaryTable, byPod: boolean): (keyof SummaryRow)[] {
  const wanted = summaryColumns(byPod);
  const missing = ['uuid', ...wanted].filter((c) => c !== 'csi_volume_handle' && !table.columns.has(c));
  if (missing.length) {
    throw new Error(
      `table ${table.schema}.${SUMMARY_TABLE} has no column ${missing.join(', ')}` +
        (missing.includes('pod') ? " (koku's table has no pod column: --by-pod needs a table created by ocpsum)" : ''),
    );
  }
  return wanted.filter((c) => table.columns.has(c));
}

/** Which tables are missing in a schema. */
export async function missingTables(client: pg.Client, schema: string, tables: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const table of tables) {
    const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      `${validIdentifier(schema)}.${validIdentifier(table)}`,
    ]);
    if (rows[0].found === null) missing.push(table);
  }
  return missing;
}

/** `ocpsum pg init`: the schema, the summary table (with its default partition) and the three reference tables, idempotently. */
export async function initTables(client: pg.Client, schema: string): Promise<{ created: string[]; existed: string[] }> {
  const tables = [SUMMARY_TABLE, ...REFERENCE_TABLES];
  const before = await missingTables(client, schema, tables);
  await runDdl(client, schema, async () => {
    await createSummaryTable(client, schema);
    for (const statement of referenceDdl(schema)) await client.query(statement);
  });
  return { created: before, existed: tables.filter((t) => !before.includes(t)) };
}
