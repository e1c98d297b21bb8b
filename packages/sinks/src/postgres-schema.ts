import type pg from 'pg';
import { sqlIdentifier, summaryColumns, type SummaryRow } from '@ocpsum/core';

/** koku's tables, created by the sink (summary) or `ocpsum pg init` (all) when missing. */
export const SUMMARY_TABLE = 'reporting_ocpusagelineitem_daily_summary';
export const ENABLED_KEYS_TABLE = 'reporting_enabledtagkeys';
export const COST_CATEGORY_TABLE = 'reporting_ocp_cost_category_namespace';
export const NODES_TABLE = 'reporting_ocp_nodes';
export const REFERENCE_TABLES = [ENABLED_KEYS_TABLE, COST_CATEGORY_TABLE, NODES_TABLE] as const;

const NUMERIC = 'numeric(33,15)';

/** koku's column types (its Django models); `pod` exists only in ocpsum's table, for --by-pod. */
const SUMMARY_TYPES: Record<keyof SummaryRow, string> = {
  report_period_id: 'integer',
  cluster_id: 'varchar(50)',
  cluster_alias: 'varchar(256)',
  data_source: 'varchar(64)',
  usage_start: 'date NOT NULL',
  usage_end: 'date NOT NULL',
  namespace: 'varchar(253)',
  node: 'varchar(253)',
  resource_id: 'varchar(253)',
  pod: 'varchar(253)',
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
  persistentvolumeclaim_capacity_gigabyte: NUMERIC,
  persistentvolumeclaim_capacity_gigabyte_months: NUMERIC,
  volume_request_storage_gigabyte_months: NUMERIC,
  persistentvolumeclaim_usage_gigabyte_months: NUMERIC,
  source_uuid: 'uuid',
  infrastructure_usage_cost: 'jsonb',
  csi_volume_handle: 'text',
  cost_category_id: 'integer',
  all_labels: 'jsonb',
};

function summaryDdl(schema: string): string[] {
  const s = sqlIdentifier(schema);
  const columns = summaryColumns(true).map((c) => `  ${sqlIdentifier(c)} ${SUMMARY_TYPES[c]}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.${SUMMARY_TABLE} (\n  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n${columns.join(',\n')}\n)`,
    `CREATE INDEX IF NOT EXISTS ocpsum_summary_source_start_idx ON ${s}.${SUMMARY_TABLE} (source_uuid, usage_start)`,
  ];
}

function referenceDdl(schema: string): string[] {
  const s = sqlIdentifier(schema);
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
async function runDdl(client: pg.Client, schema: string, statements: string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('ocpsum ddl', 0))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(schema)}`);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function existingColumns(client: pg.Client, schema: string, table: string): Promise<Set<string>> {
  const { rows } = await client.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [schema, table],
  );
  return new Set(rows.map((r) => r.column_name));
}

/**
 * Creates koku's summary table (and the schema) when missing; an existing table (koku's own,
 * possibly partitioned by usage_start) is used as it is, once it has every column to be written.
 */
export async function ensureSummaryTable(
  client: pg.Client,
  schema: string,
  columns: readonly (keyof SummaryRow)[],
): Promise<void> {
  let present = await existingColumns(client, schema, SUMMARY_TABLE);
  if (present.size === 0) {
    await runDdl(client, schema, summaryDdl(schema));
    present = await existingColumns(client, schema, SUMMARY_TABLE);
  }
  const missing = ['uuid', ...columns].filter((c) => !present.has(c));
  if (missing.length) {
    throw new Error(
      `table ${schema}.${SUMMARY_TABLE} has no column ${missing.join(', ')}` +
        (missing.includes('pod') ? " (koku's table has no pod column: --by-pod needs a table created by ocpsum)" : ''),
    );
  }
}

/** Which tables are missing in a schema. */
export async function missingTables(client: pg.Client, schema: string, tables: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const table of tables) {
    const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      `${sqlIdentifier(schema)}.${sqlIdentifier(table)}`,
    ]);
    if (rows[0].found === null) missing.push(table);
  }
  return missing;
}

/** `ocpsum pg init`: the schema, the summary table and the three reference tables, idempotently. */
export async function initTables(client: pg.Client, schema: string): Promise<{ created: string[]; existed: string[] }> {
  const tables = [SUMMARY_TABLE, ...REFERENCE_TABLES];
  const before = await missingTables(client, schema, tables);
  await runDdl(client, schema, [...summaryDdl(schema), ...referenceDdl(schema)]);
  return { created: before, existed: tables.filter((t) => !before.includes(t)) };
}
